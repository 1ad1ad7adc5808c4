/**
 * The CLI on Bybit, as child processes against the in-process simulator (`--sim`): linear candles equal
 * the ground truth; a trades range older than `recent-trade` reaches exits 3 with the reason and the
 * way out; the newest trades are written exactly.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { expectedFile, readText, runCliProcess, SIM_NOW, tempDir, truthOf } from '../helpers/cli-run.js';
import { jsonLines, liveTruthOf } from '../helpers/stream2-cli.js';

describe('tickwire on bybit and bybit-linear (--sim)', () => {
  it('ohlc bybit-linear writes a week of 15m candles identical to the ground truth', async () => {
    const dir = await tempDir();
    const out = join(dir, 'btc-perp-15m.csv');
    const r = await runCliProcess([
      'ohlc',
      'bybit-linear',
      'BTC/USDT:USDT',
      '--span',
      '15m',
      '--from',
      '2025-12-25',
      '--to',
      'now',
      '--sim',
      '--faults',
      'errorRate=0.05,resetRate=0.01',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/bybit-linear BTC\/USDT:USDT 15m candles: 672 rows → .*complete/);
    expect(r.code).toBe(0);
    const truth = await truthOf('bybit-linear');
    const bars = truth.bars('BTCUSDT', 900, parseIsoNs('2025-12-25'), SIM_NOW);
    expect(await readText(out)).toBe(expectedFile('ohlc', 'csv', bars));
  });

  it('trades older than recent-trade reaches: exit 3, the reason and the recorder named', async () => {
    const r = await runCliProcess([
      'trades',
      'bybit-linear',
      'BTCUSDT',
      '--from',
      '2025-12-31T12:00:00Z',
      '--to',
      '2025-12-31T13:00:00Z',
      '--sim',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no trade history over REST/);
    expect(r.stderr).toMatch(/tickwire record/);
    expect(r.stdout).toBe('');
  });

  it('a range reaching further back than recent-trade: exit 1, the older part named as missing', async () => {
    const r = await runCliProcess([
      'trades',
      'bybit-linear',
      'BTCUSDT',
      '--from',
      '2025-12-31T23:55:00Z',
      '--to',
      'now',
      '--sim',
      '-q',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /missing \[2025-12-31T23:55:00\.000Z, 2025-12-31T23:5[6-9]:\d\d\.\d{3}Z\): Bybit keeps no trade history/,
    );
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(950);
  });

  it('trades of the newest seconds on spot are written exactly', async () => {
    const from = '2025-12-31T23:59:59Z';
    const r = await runCliProcess([
      'trades',
      'bybit',
      'BTC/USDT',
      '--from',
      from,
      '--to',
      'now',
      '--sim',
      '--format',
      'jsonl',
      '-q',
    ]);
    expect(r.code).toBe(0);
    const truth = await truthOf('bybit');
    const trades = truth.trades('BTCUSDT', parseIsoNs(from), SIM_NOW);
    expect(trades.length).toBeGreaterThan(5);
    expect(r.stdout).toBe(expectedFile('trades', 'jsonl', trades));
  });

  it('stream trades bybit-linear --sim: the live trades equal the ground truth', async () => {
    const r = await runCliProcess([
      'stream',
      'trades',
      'bybit-linear',
      'BTC/USDT:USDT',
      '--sim',
      '--sim-speed',
      '20',
      '--count',
      '150',
    ]);
    expect(r.code).toBe(0);
    const lines = jsonLines<{
      tsNs: string;
      id: string;
      price: number;
      amount: number;
      side: string;
      symbol: string;
    }>(r.stdout);
    expect(lines).toHaveLength(150);
    expect(lines.every((l) => l.symbol === 'BTC/USDT:USDT')).toBe(true);
    const truth = (await liveTruthOf('bybit-linear')).trades(
      'BTCUSDT',
      BigInt(lines[0]!.tsNs),
      BigInt(lines.at(-1)!.tsNs) + 1_000_000n,
    );
    const from = truth.findIndex((t) => t.id === lines[0]!.id);
    expect(lines.map((l) => [l.id, BigInt(l.tsNs), l.price, l.amount, l.side])).toEqual(
      truth.slice(from, from + 150).map((t) => [t.id, t.tsNs, t.price, t.amount, t.side]),
    );
    expect(r.stderr).toMatch(/connected to ws:\/\/127\.0\.0\.1:\d+\/v5\/public\/linear/);
  });
});
