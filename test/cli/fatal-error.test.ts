/**
 * Which errors end a download command with "failed" (exit 3) and which are a gap a rerun fills (exit 1):
 * a database that went away is a gap whatever its socket said; a full disk is not.
 */
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../src/cli/run-download.js';
import { fatalError } from '../../src/cli/summary.js';
import { PostgresSinkError, ProtocolError } from '../../src/core/errors.js';

function result(error: unknown, aborted = false): JobResult {
  return {
    requested: { startNs: 0n, endNs: 1n },
    resumedAfterNs: undefined,
    report: undefined,
    error,
    aborted,
    rows: 0,
    lastTsNs: undefined,
    elapsedMs: 0,
    requests: 0,
    retries: 0,
    rateLimitWaits: 0,
  };
}

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
}

const sinkFailure = (cause: unknown) =>
  new PostgresSinkError(
    `batch of 10 rows rolled back: ${(cause as Error).message}`,
    { target: 'postgres://u:***@127.0.0.1:1/db', table: 'public.trades' },
    { cause },
  );

describe('fatalError', () => {
  it('a PostgreSQL failure caused by a broken pipe or a refused connection is a gap, not fatal', () => {
    for (const cause of [
      errno('EPIPE', 'write'),
      errno('ECONNRESET', 'read'),
      errno('ECONNREFUSED', 'connect'),
    ])
      expect(fatalError(result(sinkFailure(cause)))).toBeUndefined();
  });

  it('a socket error under a download error is a gap; a local file-system error is fatal', () => {
    const reset = new ProtocolError('binance: connection reset', '', { cause: errno('ECONNRESET', 'read') });
    expect(fatalError(result(reset))).toBeUndefined();
    const full = errno('ENOSPC', 'write');
    expect(fatalError(result(full))).toBe(full);
    const denied = errno('EACCES', 'open');
    expect(fatalError(result(new Error('cannot open the output', { cause: denied })))).toBe(denied);
  });

  it('nothing is fatal once the run was aborted', () => {
    expect(fatalError(result(errno('ENOSPC', 'write'), true))).toBeUndefined();
  });
});
