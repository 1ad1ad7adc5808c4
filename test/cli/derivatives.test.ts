/**
 * The derivatives commands as child processes against the in-process simulator (`--sim`): `funding`,
 * `open-interest` (with the 30-day history limit reported), `ohlc --price mark|index|premium`, resume,
 * and the exit codes of what cannot be served.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { expectedFile, readText, runCliProcess, SIM_NOW, tempDir, truthOf } from '../helpers/cli-run.js';

const DAY = 86_400_000_000_000n;
let truth: RunningSimulator['truth'];

beforeAll(async () => {
  truth = await truthOf('binance-usdm');
});

describe('tickwire funding / open-interest / ohlc --price (binance-usdm --sim)', () => {
  it('funding to a file equals the ground truth; a rerun after a cut resumes without gap or duplicate', async () => {
    const dir = await tempDir();
    const out = join(dir, 'funding.csv');
    const from = '2025-06-01';
    const want = truth.derivatives.funding('BTCUSDT', parseIsoNs(from), SIM_NOW);
    const full = expectedFile('funding', 'csv', want);
    // A file cut after 100 rows (as a killed run leaves it, with a torn last line).
    const lines = full.split('\n');
    await writeFile(out, `${lines.slice(0, 101).join('\n')}\n${lines[101]!.slice(0, 9)}`);
    const r = await runCliProcess([
      'funding',
      'binance-usdm',
      'BTC/USDT:USDT',
      '--from',
      from,
      '--sim',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(
      /binance-usdm BTC\/USDT:USDT funding rates: \d+ rows → .*resumed after .*complete/,
    );
    expect(r.code).toBe(0);
    expect(await readText(out)).toBe(full);
  });

  it('open-interest --period 1h over the last 20 days equals the ground truth (JSONL on stdout)', async () => {
    const from = '2025-12-12T00:00:00Z';
    const r = await runCliProcess([
      'open-interest',
      'binance-usdm',
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
    const want = truth.derivatives.openInterest('BTCUSDT', 3600, parseIsoNs(from), SIM_NOW);
    expect(want.length).toBe(20 * 24);
    expect(r.stdout).toBe(expectedFile('open-interest', 'jsonl', want));
  });

  it('open interest older than 30 days: the served part is written, the rest reported with the reason (exit 1)', async () => {
    const r = await runCliProcess([
      'open-interest',
      'binance-usdm',
      'BTCUSDT',
      '--period',
      '4h',
      '--from',
      '2025-11-01',
      '--sim',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INCOMPLETE/);
    expect(r.stderr).toMatch(
      /missing \[2025-11-01T00:00:00\.000Z, 2025-12-02T04:00:00\.000Z\): .*last 30 days/,
    );
    const want = truth.derivatives.openInterest(
      'BTCUSDT',
      14_400,
      SIM_NOW - 30n * DAY + 4n * 3_600_000_000_000n,
      SIM_NOW,
    );
    expect(r.stdout).toBe(expectedFile('open-interest', 'csv', want));
  });

  it('open interest entirely older than 30 days is refused (exit 3) and names the limit', async () => {
    const r = await runCliProcess([
      'open-interest',
      'binance-usdm',
      'BTCUSDT',
      '--from',
      '2025-10-01',
      '--to',
      '2025-10-02',
      '--sim',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/30 days/);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['mark', 'mark-ohlc'],
    ['index', 'index-ohlc'],
    ['premium', 'premium-ohlc'],
  ] as const)('ohlc --price %s equals the ground truth', async (price, kind) => {
    const from = '2025-12-31T18:00:00Z';
    const r = await runCliProcess([
      'ohlc',
      'binance-usdm',
      'BTC/USDT:USDT',
      '--span',
      '1m',
      '--price',
      price,
      '--from',
      from,
      '--sim',
      '-q',
    ]);
    expect(r.code).toBe(0);
    const want = truth.derivatives.priceBars(price, 'BTCUSDT', 60, parseIsoNs(from), SIM_NOW);
    expect(want.length).toBe(360);
    expect(r.stdout).toBe(expectedFile(kind, 'csv', want));
  });

  it('ohlc --price last on binance-usdm is the traded candles, with volume', async () => {
    const from = '2025-12-31T22:00:00Z';
    const r = await runCliProcess([
      'ohlc',
      'binance-usdm',
      'BTCUSDT',
      '--span',
      '5m',
      '--from',
      from,
      '--sim',
      '-q',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile('ohlc', 'csv', truth.bars('BTCUSDT', 300, parseIsoNs(from), SIM_NOW)));
  });

  it('bad --price is a usage error (exit 2); funding on a spot exchange cannot be served (exit 3)', async () => {
    const bad = await runCliProcess([
      'ohlc',
      'binance-usdm',
      'BTCUSDT',
      '--span',
      '1m',
      '--price',
      'fair',
      '--from',
      '2025-12-31',
      '--sim',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--price.*last, mark, index, premium/);
    const spot = await runCliProcess(['funding', 'binance', 'BTCUSDT', '--from', '2025-12-31', '--sim']);
    expect(spot.code).toBe(3);
    expect(spot.stderr).toMatch(/funding/);
    expect(spot.stderr).toMatch(/ohlc, trades/);
  });
});
