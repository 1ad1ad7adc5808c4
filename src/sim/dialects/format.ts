/**
 * Wire formatting shared by the simulator's dialects (never by the adapters): integers in ticks/lots
 * to fixed-point decimal strings without float drift, and times in the exchanges' text forms.
 *
 * @module
 */

const ZEROS = '000000000000000000000000';

// Zero-padded 4-digit groups "0000".."9999": fraction digits come from table lookups, not slicing.
const GROUP4: string[] = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));
const POW10 = Array.from({ length: 17 }, (_, i) => 10 ** i);

function fraction(frac: number, decimals: number): string {
  let out = '';
  let d = decimals;
  while (d > 4) {
    d -= 4;
    const p = POW10[d]!;
    const hi = Math.floor(frac / p);
    out += GROUP4[hi]!;
    frac -= hi * p;
  }
  return out + GROUP4[frac]!.slice(4 - d);
}

/** `int` × 10^-decimals as a fixed-point decimal string with exactly `decimals` digits. */
export function fixed(int: number, decimals: number): string {
  if (decimals === 0) return String(int);
  if (decimals > 16 || !Number.isSafeInteger(int) || int < 0) return fixedSlow(int, decimals);
  const p = POW10[decimals]!;
  const whole = Math.floor(int / p);
  return `${whole}.${fraction(int - whole * p, decimals)}`;
}

function fixedSlow(int: number, decimals: number): string {
  const neg = int < 0;
  let s = BigInt(Math.round(Math.abs(int))).toString();
  if (s.length <= decimals) s = ZEROS.slice(0, decimals + 1 - s.length) + s;
  const cut = s.length - decimals;
  return `${neg ? '-' : ''}${s.slice(0, cut)}.${s.slice(cut)}`;
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

const FRACTION_TABLES = new Map<string, string[]>();

/**
 * A formatter for `fixedWidth(int, decimals, width)` with up to 5 decimals served from a precomputed
 * table of padded fractions (the hot path of kline pages); wider ones fall back to {@link fixedWidth}.
 */
export function fixedWidthFormatter(decimals: number, width: number): (int: number) => string {
  if (decimals === 0 || decimals > 5) return (int) => fixedWidth(int, decimals, width);
  const key = `${decimals}/${width}`;
  let table = FRACTION_TABLES.get(key);
  if (!table) {
    const pad = ZEROS.slice(0, Math.max(0, width - decimals));
    table = Array.from({ length: 10 ** decimals }, (_, i) => `.${String(i).padStart(decimals, '0')}${pad}`);
    FRACTION_TABLES.set(key, table);
  }
  const t = table;
  const p = 10 ** decimals;
  return (int) => {
    if (!Number.isSafeInteger(int) || int < 0) return fixedWidth(int, decimals, width);
    const whole = Math.floor(int / p);
    return whole + t[int - whole * p]!;
  };
}
