import { describe, expect, it } from 'vitest';
import { HTTPError, IncompleteRangeError, redactUrl, ValidationError } from '../../src/core/errors.js';

describe('errors', () => {
  it('redacts secrets in URLs', () => {
    const url = 'https://user:pw@api.example.com/x?symbol=BTC&apiKey=abc123&signature=deadbeef&token=t0k';
    const safe = redactUrl(url);
    expect(safe).not.toMatch(/abc123|deadbeef|t0k|pw/);
    expect(safe).toContain('symbol=BTC');
    const err = new HTTPError(401, url, 'nope');
    expect(err.message).not.toMatch(/abc123|deadbeef/);
    expect(err).toMatchObject({ name: 'HTTPError', code: 'ERR_HTTP', status: 401 });
  });

  it('names the argument and value', () => {
    const err = new ValidationError('limit', -1, 'a positive integer');
    expect(err.message).toBe('Invalid limit: expected a positive integer, got -1 (number).');
  });

  it('lists the missing ranges', () => {
    const err = new IncompleteRangeError('Cursor repeated', {
      requested: { startNs: 0n, endNs: 2_000_000_000n },
      covered: [{ startNs: 0n, endNs: 1_000_000_000n }],
      missing: [{ startNs: 1_000_000_000n, endNs: 2_000_000_000n }],
    });
    expect(err.message).toContain('1970-01-01T00:00:01.000Z');
    expect(err.code).toBe('ERR_INCOMPLETE_RANGE');
  });
});
