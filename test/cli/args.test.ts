import { CommanderError, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  formatFaults,
  formatFor,
  parseBaseUrlArg,
  parseExchangeArg,
  parseFaultsArg,
  parseFormatArg,
  parseRateLimitsArg,
  parseSpanArg,
  parseTimeArg,
} from '../../src/cli/args.js';
import { EXIT, exitCodeFor, messageFor } from '../../src/cli/exit.js';
import { resolveRange } from '../../src/cli/range.js';
import { describeJob } from '../../src/cli/summary.js';
import {
  IncompleteRangeError,
  UnknownSymbolError,
  UnsupportedSpanError,
  ValidationError,
} from '../../src/core/errors.js';

const SIM_NOW = 1_767_225_600_000_000_000n;
const JAN = 1_704_067_200_000_000_000n; // 2024-01-01

describe('value parsers', () => {
  it('parses times, now, spans, exchanges and formats', () => {
    expect(parseTimeArg('2024-01-01')).toBe(JAN);
    expect(parseTimeArg('2024-01-01T00:00:01.5Z')).toBe(JAN + 1_500_000_000n);
    expect(parseTimeArg('NOW')).toBe('now');
    expect(parseSpanArg('1h')).toBe(3600);
    expect(parseExchangeArg('Binance')).toBe('binance');
    expect(parseFormatArg('JSONL')).toBe('jsonl');
  });

  it.each([
    [parseTimeArg, '2024-13-01'],
    [parseTimeArg, 'yesterday'],
    [parseSpanArg, '1x'],
    [parseSpanArg, '0m'],
    [parseExchangeArg, 'bitmex'],
    [parseFormatArg, 'parquet'],
    [parseBaseUrlArg, 'ftp://x'],
    [parseRateLimitsArg, '-3'],
  ] as const)('%o rejects %j with InvalidArgumentError', (fn, text) => {
    expect(() => (fn as (t: string) => unknown)(text)).toThrow(InvalidArgumentError);
  });

  it('takes the format from --format, else the --out extension, else csv', () => {
    expect(formatFor('a.jsonl', undefined)).toBe('jsonl');
    expect(formatFor('a.NDJSON', undefined)).toBe('jsonl');
    expect(formatFor('a.csv', undefined)).toBe('csv');
    expect(formatFor('a.txt', undefined)).toBe('csv');
    expect(formatFor(undefined, undefined)).toBe('csv');
    expect(formatFor('a.csv', 'jsonl')).toBe('jsonl');
  });
});

describe('--faults', () => {
  it('parses key=value pairs and none', () => {
    expect(parseFaultsArg('errorRate=0.05,resetRate=0.01,latencyMs=50')).toEqual({
      errorRate: 0.05,
      resetRate: 0.01,
      latencyMs: 50,
    });
    expect(parseFaultsArg(' none ')).toEqual({});
    expect(formatFaults({ errorRate: 0.05, latencyMs: 0 })).toBe('errorRate=0.05');
  });

  it('names a bad key, a bad value, a repeated key and rates summing above 1', () => {
    expect(() => parseFaultsArg('errorRate=0.1,bogus=1')).toThrow(/Unknown fault "bogus".*errorRate/);
    expect(() => parseFaultsArg('errorRate=2')).toThrow(/errorRate/);
    expect(() => parseFaultsArg('latencyMs=abc')).toThrow(/latencyMs/);
    expect(() => parseFaultsArg('seed=1.5')).toThrow(/seed/);
    expect(() => parseFaultsArg('errorRate')).toThrow(/errorRate/);
    expect(() => parseFaultsArg('errorRate=0.1,errorRate=0.2')).toThrow(/twice/);
    expect(() => parseFaultsArg('errorRate=0.6,resetRate=0.6')).toThrow(/at most 1/);
  });
});

describe('resolveRange', () => {
  it('orders --from before --to, naming --from', () => {
    expect(resolveRange(JAN, JAN + 10n)).toEqual({ startNs: JAN, endNs: JAN + 10n, toNow: false });
    expect(() => resolveRange(JAN + 10n, JAN)).toThrow(expect.objectContaining({ argument: '--from' }));
  });

  it('with the simulator, now is its clock and a range past it names the option', () => {
    expect(resolveRange(SIM_NOW - 5n, 'now', SIM_NOW)).toEqual({
      startNs: SIM_NOW - 5n,
      endNs: SIM_NOW,
      toNow: true,
    });
    expect(() => resolveRange(SIM_NOW - 5n, SIM_NOW + 1n, SIM_NOW)).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: '--to' }),
    );
    expect(() => resolveRange(SIM_NOW, 'now', SIM_NOW)).toThrow(
      expect.objectContaining({ argument: '--from' }),
    );
    expect(() => resolveRange('now', 'now', SIM_NOW)).toThrow(/simulator's clock 2026-01-01T00:00:00Z/);
  });
});

describe('exit codes and messages', () => {
  it('maps errors to documented codes', () => {
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', ''))).toBe(EXIT.OK);
    expect(exitCodeFor(new CommanderError(0, 'commander.version', ''))).toBe(EXIT.OK);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', ''))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new ValidationError('--to', 'x', 'y'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new UnsupportedSpanError('coinbase', 14_400, [60]))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new UnknownSymbolError('binance', 'FOO'))).toBe(EXIT.FAILED);
    const r = { startNs: 1n, endNs: 2n };
    expect(exitCodeFor(new IncompleteRangeError('x', { requested: r, covered: [], missing: [r] }))).toBe(
      EXIT.FAILED,
    );
  });

  it('names CLI flags instead of API option names', () => {
    const msg = messageFor(new ValidationError('options.end', '2027-01-01', 'a time before now'));
    expect(msg).toMatch(/^Invalid --to:/);
    expect(messageFor(new UnsupportedSpanError('coinbase', 14_400, [60, 300]))).toMatch(/^Invalid --span:/);
    expect(messageFor(new ValidationError('out', 'x.csv', 'a CSV file written by tickwire'))).toMatch(
      /--force/,
    );
  });
});

describe('describeJob', () => {
  const job = {
    kind: 'ohlc' as const,
    exchange: 'binance' as const,
    symbol: 'BTCUSDT',
    spanS: 60,
    range: { startNs: JAN, endNs: JAN + 3_600_000_000_000n, toNow: false },
    out: 'x.csv',
    format: 'csv' as const,
    resume: true,
  };
  const result = {
    requested: { startNs: JAN, endNs: job.range.endNs },
    resumedAfterNs: undefined,
    report: undefined,
    error: undefined,
    aborted: false,
    rows: 10,
    lastTsNs: JAN + 9n * 60_000_000_000n,
    elapsedMs: 1000,
    requests: 1,
    retries: 0,
    rateLimitWaits: 0,
  };

  it('an interrupted run exits 130/143 naming the range after the last bar written', () => {
    const o = describeJob(job, { ...result, aborted: true }, 'SIGTERM');
    expect(o.code).toBe(143);
    expect(o.warnings.join('\n')).toContain('missing [2024-01-01T00:10:00.000Z, 2024-01-01T01:00:00.000Z)');
    expect(describeJob(job, { ...result, aborted: true }, 'SIGINT').code).toBe(130);
  });

  it('a file already complete is nothing to do; a resumed file that ended before --from gets a gap note', () => {
    expect(describeJob(job, { ...result, requested: undefined }).info[0]).toMatch(/nothing to do/);
    const report = {
      kind: 'ohlc' as const,
      exchange: 'binance',
      symbol: 'BTC/USDT',
      span: 60,
      requested: result.requested,
      delivered: [result.requested],
      missing: [],
      complete: true,
      items: 10,
      pages: 1,
    };
    const o = describeJob(job, { ...result, report, resumedAfterNs: JAN - 3_600_000_000_000n });
    expect(o.code).toBe(0);
    expect(o.info.join('\n')).toMatch(
      /note: x\.csv ended at 2023-12-31T23:00:00Z, before --from; the file now skips/,
    );
  });
});
