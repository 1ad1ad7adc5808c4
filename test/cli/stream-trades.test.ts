/**
 * `tickwire stream trades` as a child process: against an in-process `--sim` with a running clock (faults
 * on its WebSockets), against an external simulator through `--base-url`/`--ws-url`, stopped by
 * `--count`, `--duration` and SIGINT; output checked against the simulator's ground truth.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Trade } from '../../src/core/records.js';
import { startSimulator } from '../../src/sim/index.js';
import { readText, runCliProcess, SIM_NOW, startCli, tempDir, waitFor } from '../helpers/cli-run.js';
import { hasControlChars, jsonLines, liveTruthOf } from '../helpers/stream2-cli.js';

type Line = {
  tsNs: string;
  time: string;
  symbol: string;
  id: string;
  price: number;
  amount: number;
  side: string;
};

const asTrade = (l: Line): Trade => ({
  id: l.id,
  tsNs: BigInt(l.tsNs),
  price: l.price,
  amount: l.amount,
  side: l.side as Trade['side'],
});

/** The truth for the ids of `lines` (first..last), which must be contiguous. */
function truthFor(truth: Awaited<ReturnType<typeof liveTruthOf>>, native: string, lines: Line[]): Trade[] {
  const first = asTrade(lines[0]!);
  const last = asTrade(lines.at(-1)!);
  return truth
    .trades(native, first.tsNs - 1_000_000_000n, last.tsNs + 1_000_000_000n)
    .filter((t) => BigInt(t.id) >= BigInt(first.id) && BigInt(t.id) <= BigInt(last.id));
}

describe.concurrent('tickwire stream trades', () => {
  it('--sim --count 200: 200 JSONL lines on stdout = ground truth; plain stderr; exit 0', async () => {
    const r = await runCliProcess([
      'stream',
      'trades',
      'binance',
      'BTCUSDT',
      '--sim',
      '--sim-speed',
      '20',
      '--count',
      '200',
    ]);
    expect(r.code).toBe(0);
    const lines = jsonLines<Line>(r.stdout);
    expect(lines).toHaveLength(200);
    expect(lines.every((l) => l.symbol === 'BTC/USDT')).toBe(true);
    expect(lines.map(asTrade)).toEqual(truthFor(await liveTruthOf('binance'), 'BTCUSDT', lines));
    expect(r.stderr).toMatch(/connected to ws:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toMatch(/200 trades \(\d+ repaired over REST, 0 missing\).*stopped: --count 200/);
    expect(hasControlChars(r.stderr)).toBe(false);
  });

  it('--ws-faults drops and stalls, --idle-timeout, --duration, CSV to --out: complete, repaired, in order', async () => {
    const dir = await tempDir();
    const out = join(dir, 'xbt.csv');
    const r = await runCliProcess([
      'stream',
      'trades',
      'kraken',
      'XBTUSD',
      '--sim',
      '--sim-speed',
      '30',
      '--ws-faults',
      'dropRate=0.05,stallRate=0.05,seed=5',
      '--idle-timeout',
      '0.6',
      '--duration',
      '6',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const text = await readText(out);
    const [head, ...rows] = text.trimEnd().split('\n');
    expect(head).toBe('tsNs,time,symbol,id,price,amount,side');
    const lines = rows.map((row): Line => {
      const [tsNs, time, symbol, id, price, amount, side] = row.split(',') as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return { tsNs, time, symbol, id, price: Number(price), amount: Number(amount), side };
    });
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.map(asTrade)).toEqual(truthFor(await liveTruthOf('kraken'), 'XBTUSD', lines));
    // At 20 messages a second, a 10% fault rate per message strikes within the first second or so.
    expect(r.stderr).toMatch(/disconnected \((idle-timeout|remote-close)/);
    expect(r.stderr).toMatch(/reconnected after \d+ ms/);
    expect(r.stderr).toMatch(/stopped: --duration 6s/);
    expect(hasControlChars(r.stderr)).toBe(false);
  });

  it('SIGINT: exit 130, the file holds complete lines only, contiguous ids', async () => {
    const dir = await tempDir();
    const out = join(dir, 'btc.jsonl');
    const c = startCli([
      'stream',
      'trades',
      'coinbase',
      'BTC-USD',
      'ETH-USD',
      '--sim',
      '--sim-speed',
      '20',
      '--out',
      out,
    ]);
    await waitFor(async () => (await readText(out).catch(() => '')).split('\n').length > 100);
    c.child.kill('SIGINT');
    const r = await c.done;
    expect(r.code).toBe(130);
    const text = await readText(out);
    expect(text.endsWith('\n')).toBe(true);
    const lines = jsonLines<Line>(text);
    for (const sym of ['BTC/USD', 'ETH/USD']) {
      const ids = lines.filter((l) => l.symbol === sym).map((l) => Number(l.id));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
    }
    expect(r.stderr).toMatch(/SIGINT: stopping/);
    expect(r.stderr).toMatch(/stopped: SIGINT/);
  });

  it('--base-url and --ws-url: an external simulator', async () => {
    const sim = await startSimulator({
      exchange: 'coinbase',
      rateLimits: 'off',
      clock: { startNs: SIM_NOW, speed: 20 },
      markets: { historyStart: SIM_NOW - 86_400_000_000_000n },
    });
    try {
      const r = await runCliProcess([
        'stream',
        'trades',
        'coinbase',
        'BTC/USD',
        '--base-url',
        sim.url,
        '--ws-url',
        sim.wsUrl,
        '--count',
        '50',
        '--format',
        'csv',
      ]);
      expect(r.code).toBe(0);
      const rows = r.stdout.trimEnd().split('\n');
      expect(rows[0]).toBe('tsNs,time,symbol,id,price,amount,side');
      expect(rows).toHaveLength(51);
      const ids = rows.slice(1).map((row) => row.split(',')[3]!);
      const truth = sim.truth.trades('BTC-USD', SIM_NOW - 60_000_000_000n, SIM_NOW + 3_600_000_000_000n);
      const at = truth.findIndex((t) => t.id === ids[0]);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(ids).toEqual(truth.slice(at, at + 50).map((t) => t.id));
    } finally {
      await sim.close();
    }
  });

  it('usage errors exit 2 and name the argument', async () => {
    const [noSymbol, badWs, both] = await Promise.all([
      runCliProcess(['stream', 'trades', 'binance']),
      runCliProcess(['stream', 'trades', 'binance', 'BTCUSDT', '--ws-url', 'http://127.0.0.1:1']),
      runCliProcess(['stream', 'trades', 'binance', 'BTCUSDT', '--sim', '--ws-url', 'ws://127.0.0.1:1']),
    ]);
    expect(noSymbol.code).toBe(2);
    expect(noSymbol.stderr).toMatch(/symbol/);
    expect(badWs.code).toBe(2);
    expect(badWs.stderr).toMatch(/--ws-url/);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--ws-url.*--sim|--sim.*--ws-url/);
  });
});
