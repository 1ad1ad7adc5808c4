/**
 * `tickwire stream mark|liquidations` as child processes against the in-process simulator (`--sim` with
 * a running clock): every line equals the derivatives ground truth; an exchange without the feed exits 3.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { runCliProcess, SIM_NOW } from '../helpers/cli-run.js';

const DAY = 86_400_000_000_000n;

/** The truth of the CLI's `--sim` market: seed 1, history from two days before its clock. */
async function liveTruth() {
  const sim = await startSimulator({
    exchange: 'binance-usdm',
    now: SIM_NOW + DAY,
    rateLimits: 'off',
    markets: { historyStart: SIM_NOW - 2n * DAY },
  });
  await sim.close();
  return sim.truth;
}

type Line = Record<string, string | number | boolean | null>;
const parse = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('tickwire stream mark / liquidations (binance-usdm --sim)', () => {
  it('stream mark: one line per second per symbol, equal to the truth', async () => {
    const r = await runCliProcess([
      'stream',
      'mark',
      'binance-usdm',
      'BTCUSDT',
      'ETH/USDT:USDT',
      '--sim',
      '--sim-speed',
      '20',
      '--count',
      '30',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/30 mark prices \(0 gaps\)/);
    const truth = await liveTruth();
    const lines = parse(r.stdout);
    expect(lines).toHaveLength(30);
    expect(new Set(lines.map((l) => l.symbol))).toEqual(new Set(['BTC/USDT:USDT', 'ETH/USDT:USDT']));
    for (const l of lines) {
      const native = l.symbol === 'BTC/USDT:USDT' ? 'BTCUSDT' : 'ETHUSDT';
      const t = truth.derivatives.mark(native, BigInt(l.tsNs as string));
      expect(l).toMatchObject({
        markPrice: t.markPrice,
        indexPrice: t.indexPrice,
        fundingRate: t.fundingRate,
        nextFundingNs: String(t.nextFundingNs),
      });
      expect(BigInt(l.recvNs as string)).toBeGreaterThan(0n);
    }
  }, 30_000);

  it('stream liquidations --format csv: sampled rows equal to the truth', async () => {
    const r = await runCliProcess([
      'stream',
      'liquidations',
      'binance-usdm',
      'BTCUSDT',
      '--sim',
      '--sim-speed',
      '600',
      '--count',
      '6',
      '--format',
      'csv',
    ]);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toBe('tsNs,time,symbol,side,price,amount,sampled,recvNs');
    expect(rows).toHaveLength(6);
    const truth = await liveTruth();
    const first = BigInt(rows[0]!.split(',')[0]!);
    const last = BigInt(rows.at(-1)!.split(',')[0]!);
    const want = truth.derivatives.liquidations('BTCUSDT', first, last + 1n);
    // Every column but `time` (ISO) and `recvNs` (the local clock).
    const cells = rows.map((row) => row.split(','));
    expect(cells.map((c) => [c[0], c[2], c[3], c[4], c[5], c[6]].join(','))).toEqual(
      want.map((l) => [l.tsNs, 'BTC/USDT:USDT', l.side, l.price, l.amount, true].join(',')),
    );
  }, 30_000);

  it('an exchange without a mark feed cannot serve it (exit 3)', async () => {
    const r = await runCliProcess(['stream', 'mark', 'binance', 'BTCUSDT', '--sim', '--count', '1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/binance does not serve mark/);
  }, 30_000);
});
