/** `tickwire ohlc okx` and `tickwire trades okx` as child processes against the in-process simulator. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { expectedFile, readText, runCliProcess, SIM_NOW, tempDir, truthOf } from '../helpers/cli-run.js';
import { jsonLines, liveTruthOf } from '../helpers/stream2-cli.js';

describe('tickwire against the simulated okx (--sim)', () => {
  it('ohlc: two days of 1m candles of the swap, across the candles/history switch, equal the truth', async () => {
    const dir = await tempDir();
    const out = join(dir, 'btc-swap-1m.csv');
    const r = await runCliProcess([
      'ohlc',
      'okx',
      'BTC/USDT:USDT',
      '--span',
      '1m',
      '--from',
      '2025-12-30',
      '--to',
      'now',
      '--sim',
      '--faults',
      'errorRate=0.03,resetRate=0.01',
      '--rate-scale',
      '20',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/okx BTC\/USDT:USDT 1m candles: 2880 rows → .*complete/);
    expect(r.code).toBe(0);
    const truth = await truthOf('okx');
    const bars = truth.bars('BTC-USDT-SWAP', 60, parseIsoNs('2025-12-30'), SIM_NOW);
    expect(await readText(out)).toBe(expectedFile('ohlc', 'csv', bars));
  });

  it('trades: JSONL on stdout in base units, equal to the truth', async () => {
    const from = '2025-12-31T23:50:00Z';
    const to = '2025-12-31T23:55:00Z';
    const r = await runCliProcess([
      'trades',
      'okx',
      'ETH-USDT-SWAP',
      '--from',
      from,
      '--to',
      to,
      '--sim',
      '--rate-scale',
      '20',
      '--format',
      'jsonl',
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const truth = await truthOf('okx');
    const trades = truth.trades('ETH-USDT-SWAP', parseIsoNs(from), parseIsoNs(to));
    expect(trades.length).toBeGreaterThan(1000);
    expect(r.stdout).toBe(expectedFile('trades', 'jsonl', trades));
  });

  it('trades older than three months: exit 1 naming the range and the reason', async () => {
    const r = await runCliProcess([
      'trades',
      'okx',
      'BTC-USDT',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-01T00:10',
      '--sim',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/3 months/);
  });

  it('stream trades: trades-all lines of the swap in base units equal the truth by id', async () => {
    const r = await runCliProcess([
      'stream',
      'trades',
      'okx',
      'BTC/USDT:USDT',
      '--sim',
      '--sim-speed',
      '20',
      '--count',
      '150',
    ]);
    expect(r.code).toBe(0);
    type Line = { tsNs: string; id: string; price: number; amount: number; side: string; symbol: string };
    const lines = jsonLines<Line>(r.stdout);
    expect(lines).toHaveLength(150);
    expect(lines.every((l) => l.symbol === 'BTC/USDT:USDT')).toBe(true);
    const first = BigInt(lines[0]!.id);
    const truth = (await liveTruthOf('okx'))
      .trades(
        'BTC-USDT-SWAP',
        BigInt(lines[0]!.tsNs) - 1_000_000_000n,
        BigInt(lines.at(-1)!.tsNs) + 1_000_000_000n,
      )
      .filter((t) => BigInt(t.id) >= first && BigInt(t.id) < first + 150n);
    expect(
      lines.map((l) => ({ id: l.id, tsNs: BigInt(l.tsNs), price: l.price, amount: l.amount, side: l.side })),
    ).toEqual(truth);
  });
});
