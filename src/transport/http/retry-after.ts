/**
 * Parses a `Retry-After` header value (pure).
 *
 * @module
 */

/**
 * Milliseconds to wait according to a `Retry-After` value: delta-seconds (`"120"`, also `"1.5"`) or an
 * HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`, relative to `nowMs`). A date in the past gives 0.
 * Returns `undefined` for an absent or unparseable value.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined; // negative or junk numbers are not dates
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
