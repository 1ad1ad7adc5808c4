/**
 * Cursor comparison for the repeated-cursor guard.
 *
 * @module
 */

/**
 * True when two cursors are the same: identical primitives (`Object.is`), or plain objects/arrays with the
 * same JSON form (bigints included). A cursor that comes back unchanged would loop forever.
 */
export function sameCursor(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return stableJson(a) === stableJson(b);
  } catch {
    return false;
  }
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
