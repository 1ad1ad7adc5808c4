/**
 * The progress line as a pure function of the numbers and a width: a line that never exceeds the
 * terminal, made to fit by shortening and then dropping fields in one fixed order (least important
 * first), never by cutting a field mid-word. What matters most survives longest: the label, the
 * percentage and the ETA.
 *
 * Order of reductions (each step keeps the previous ones):
 * 1. short forms: `1.2M rows`, `4321/s`, `N req`, `N waits` (for rate-limit waits);
 * 2. zero counters (retries, waits) are left out;
 * 3. requests are dropped;
 * 4. the bar is dropped;
 * 5. the rate, then retries, then rate-limit waits, then the row count are dropped;
 * 6. the label is shortened with `…`; as a last resort the line is cut at the width.
 *
 * The bar takes the room left over, between 10 and 30 cells.
 *
 * @module
 */

/** What one progress line shows. */
export type ProgressFields = {
  /** What is being done, e.g. `binance BTC/USDT trades`. */
  label: string;
  /** Done fraction in `[0, 1]`, or `undefined` when the total is unknown. */
  fraction: number | undefined;
  /** Rows written. */
  rows: number;
  /** Rows per second. */
  rate: number;
  /** Page requests made. */
  requests: number;
  /** Requests retried. */
  retries: number;
  /** Waits the exchange asked for (429, 418, throttles). */
  rateLimitWaits: number;
  /** Seconds left, or `undefined` when unknown. */
  etaSeconds: number | undefined;
};

/** Formats seconds as `42s`, `3m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Big counts in at most 5 characters: `999`, `12.3k`, `4.5M`. */
function compact(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 100_000_000 ? 1 : 0)}M`;
}

/** One way of rendering: which fields, in which form. */
type Level = {
  barCells: number;
  short: boolean;
  hideZero: boolean;
  requests: boolean;
  waits: boolean;
  retries: boolean;
  rate: boolean;
  rows: boolean;
};

const BAR_MIN = 10;
const BAR_MAX = 30;

const FULL: Level = {
  barCells: BAR_MIN,
  short: false,
  hideZero: false,
  requests: true,
  waits: true,
  retries: true,
  rate: true,
  rows: true,
};

/** The levels, from everything to the least, in the fixed order of the module comment. */
const LEVELS: readonly Level[] = (() => {
  const out: Level[] = [FULL];
  let l = FULL;
  for (const patch of [
    { short: true },
    { hideZero: true },
    { requests: false },
    { barCells: 0 },
    { rate: false },
    { retries: false },
    { waits: false },
    { rows: false },
  ] satisfies Partial<Level>[]) {
    l = { ...l, ...patch };
    out.push(l);
  }
  return out;
})();

function bar(fraction: number, cells: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * cells);
  return `[${'\u2588'.repeat(full)}${'\u2591'.repeat(cells - full)}]`;
}

function render(f: ProgressFields, l: Level, label: string): string {
  const head: string[] = [];
  if (l.barCells > 0 && f.fraction !== undefined) head.push(bar(f.fraction, l.barCells));
  if (f.fraction !== undefined) head.push(`${Math.min(100, Math.floor(f.fraction * 100))}%`);
  const parts: string[] = [];
  if (l.rows) parts.push(`${l.short ? compact(f.rows) : f.rows} rows`);
  if (l.rate) parts.push(l.short ? `${compact(Math.round(f.rate))}/s` : `${Math.round(f.rate)} rows/s`);
  if (f.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(f.etaSeconds)}`);
  if (l.requests) parts.push(l.short ? `${compact(f.requests)} req` : `${f.requests} requests`);
  if (l.retries && !(l.hideZero && f.retries === 0)) parts.push(`${f.retries} retries`);
  if (l.waits && !(l.hideZero && f.rateLimitWaits === 0)) {
    parts.push(l.short ? `${f.rateLimitWaits} waits` : `${f.rateLimitWaits} rate-limit waits`);
  }
  const first = [label, ...head].join(' ');
  return parts.length === 0 ? first : `${first} | ${parts.join(' | ')}`;
}

/**
 * The progress line for a terminal `width` columns wide: at most `width` characters (code points), the
 * fullest form that fits. `width` below 1 is treated as 1.
 */
export function renderProgressLine(f: ProgressFields, width: number): string {
  const w = Math.max(1, Math.floor(width));
  for (const level of LEVELS) {
    const line = render(f, level, f.label);
    const spare = w - [...line].length;
    if (spare < 0) continue;
    if (level.barCells === 0 || f.fraction === undefined) return line;
    // The bar grows into the room left.
    return render(f, { ...level, barCells: Math.min(BAR_MAX, BAR_MIN + spare) }, f.label);
  }
  // Even the shortest form is too wide: shorten the label, keep percentage and ETA whole.
  const last = LEVELS[LEVELS.length - 1] as Level;
  const rest = [...render(f, last, '')];
  const room = w - rest.length;
  const label = [...f.label];
  if (room >= 2) return `${label.slice(0, room - 1).join('')}\u2026${rest.join('')}`;
  // Narrower still: the numbers without the label, cut at the width as a last resort.
  return rest.slice(1, w + 1).join('');
}
