/**
 * Wire formatting shared by the simulator's dialects (never by the adapters): integers in ticks/lots
 * to fixed-point decimal strings without float drift, and times in the exchanges' text forms.
 *
 * @module
 */

const ZEROS = '000000000000000000000000';

/** `int` × 10^-decimals as a fixed-point decimal string with exactly `decimals` digits. */
export function fixed(int: number, decimals: number): string {
  if (decimals === 0) return String(int);
  let s = String(int);
  if (s.length <= decimals) s = ZEROS.slice(0, decimals + 1 - s.length) + s;
  const cut = s.length - decimals;
  return `${s.slice(0, cut)}.${s.slice(cut)}`;
}

/** Like {@link fixed}, right-padded with zeros to `width` decimals (`width >= decimals`). */
export function fixedWidth(int: number, decimals: number, width: number): string {
  return width > decimals ? fixed(int, decimals) + ZEROS.slice(0, width - decimals) : fixed(int, decimals);
}

/** Like {@link fixed} with trailing zeros (and a bare point) removed: a JSON number literal. */
export function plain(int: number, decimals: number): string {
  const s = fixed(int, decimals);
  if (decimals === 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/** A non-negative float as a fixed-point string with `decimals` digits (approximate quantities). */
export function floatFixed(x: number, decimals: number): string {
  return x.toFixed(decimals);
}

/** Epoch µs → ISO 8601 UTC with exactly six fractional digits (`2026-01-01T00:00:00.123456Z`). */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const base = new Date(ms).toISOString(); // …SS.mmmZ
  const sub = String(us - ms * 1000).padStart(3, '0');
  return `${base.slice(0, -1)}${sub}Z`;
}

/** Epoch µs → seconds with six decimals, as a JSON number literal (`1688669597.827736`). */
export function secondsMicros(us: number): string {
  const s = Math.floor(us / 1_000_000);
  return `${s}.${String(us - s * 1_000_000).padStart(6, '0')}`;
}
