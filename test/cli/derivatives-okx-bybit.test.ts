/**
 * The derivatives commands of OKX and Bybit linear as child processes against the in-process simulator
 * (`--sim`): `tickwire stream mark okx`, `tickwire stream liquidations bybit-linear` (running clock),
 * `tickwire funding okx` and `tickwire open-interest bybit-linear --period 1h`, every line equal to the
 * derivatives ground truth.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { expectedFile, runCliProcess, SIM_NOW, truthOf } from '../helpers/cli-run.js';
import { jsonLines, liveTruthOf } from '../helpers/stream2-cli.js';

type Truth = RunningSimulator['truth'];
let okx: Truth;
let bybit: Truth;

beforeAll(async () => {
  okx = await truthOf('okx');
  bybit = await truthOf('bybit-linear');
});

describe('tickwire derivatives commands (okx, bybit-linear --sim)', () => {
  it('stream mark okx: every line equals the truth mark at its time', async () => {
    const r = await runCliProcess([
      'stream',
      'mark',
      'okx',
      'BTC-USDT-SWAP',
      '--sim',
      '--sim-speed',
      '60',
      '--count',
      '20',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/20 mark prices \(0 gaps\)/);
    const truth = await liveTruthOf('okx');
    type Line = {
      tsNs: string;
      symbol: string;
      markPrice: number;
      fundingRate: number;
      nextFundingNs: string;
    };
    const lines = jsonLines<Line>(r.stdout);
    expect(lines).toHaveLength(20);
    for (const l of lines) {
      expect(l.symbol).toBe('BTC/USDT:USDT');
      const t = truth.derivatives.mark('BTC-USDT-SWAP', BigInt(l.tsNs));
      expect(l).toMatchObject({
        markPrice: t.markPrice,
        fundingRate: t.fundingRate,
        nextFundingNs: String(t.nextFundingNs),
      });
    }
    expect(lines.every((l, i) => i === 0 || BigInt(l.tsNs) > BigInt(lines[i - 1]!.tsNs))).toBe(true);
  }, 30_000);

  it('stream liquidations bybit-linear: every liquidation of the span, equal to the truth', async () => {
    const r = await runCliProcess([
      'stream',
      'liquidations',
      'bybit-linear',
      'BTCUSDT',
      '--sim',
      '--sim-speed',
      '600',
      '--count',
      '8',
    ]);
    expect(r.code).toBe(0);
    type Line = {
      tsNs: string;
      symbol: string;
      side: string;
      price: number;
      amount: number;
      sampled: boolean;
    };
    const lines = jsonLines<Line>(r.stdout);
    expect(lines).toHaveLength(8);
    const truth = await liveTruthOf('bybit-linear');
    const want = truth.derivatives.liquidations(
      'BTCUSDT',
      BigInt(lines[0]!.tsNs),
      BigInt(lines.at(-1)!.tsNs) + 1n,
    );
    expect(
      lines.map((l) => ({ tsNs: BigInt(l.tsNs), side: l.side, price: l.price, amount: l.amount })),
    ).toEqual(want.map((l) => ({ tsNs: l.tsNs, side: l.side, price: l.price, amount: l.amount })));
    expect(lines.every((l) => l.symbol === 'BTC/USDT:USDT' && l.sampled === false)).toBe(true);
  }, 30_000);

  it('funding okx over two months equals the ground truth (JSONL on stdout)', async () => {
    const from = '2025-11-01';
    const r = await runCliProcess([
      'funding',
      'okx',
      'BTC-USDT-SWAP',
      '--from',
      from,
      '--sim',
      '--format',
      'jsonl',
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // OKX's funding history has no mark price: the column is empty.
    const want = okx.derivatives
      .funding('BTC-USDT-SWAP', parseIsoNs(from), SIM_NOW)
      .map(({ markPrice: _m, ...f }) => f);
    expect(want.length).toBe(61 * 3);
    expect(r.stdout).toBe(expectedFile('funding', 'jsonl', want));
  }, 30_000);

  it('open-interest bybit-linear --period 1h over ten days equals the ground truth (JSONL on stdout)', async () => {
    const from = '2025-12-22T00:00:00Z';
    const r = await runCliProcess([
      'open-interest',
      'bybit-linear',
      'BTCUSDT',
      '--period',
      '1h',
      '--from',
      from,
      '--sim',
      '--format',
      'jsonl',
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Bybit's open-interest history carries the amount only: the value column is empty.
    const want = bybit.derivatives
      .openInterest('BTCUSDT', 3600, parseIsoNs(from), SIM_NOW)
      .map(({ value: _v, ...o }) => o);
    expect(want.length).toBe(10 * 24);
    expect(r.stdout).toBe(expectedFile('open-interest', 'jsonl', want));
  }, 30_000);
});
