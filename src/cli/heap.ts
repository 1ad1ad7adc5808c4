/**
 * The CLI's heap policy. A download allocates fast and keeps little (pages parsed, written, dropped), and
 * V8 then lets the old generation grow up to four times its live size between full collections: with a
 * live set of ~30 MB the process sat at 200-280 MB resident. Growing the heap in 20 % steps instead keeps
 * the resident set near the live set, for a few percent more CPU (docs/benchmarks.md, cli-memory).
 *
 * `TICKWIRE_HEAP_GROWING_PERCENT` overrides the step (`0` keeps V8's own policy).
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { ValidationError } from '../core/errors.js';

/** The heap growing step the CLI uses, in percent, unless the environment says otherwise. */
export const CLI_HEAP_GROWING_PERCENT = 20;

/**
 * Applies the CLI's heap growing step to this process; returns the step applied (0: V8's own policy).
 *
 * @throws ValidationError when `TICKWIRE_HEAP_GROWING_PERCENT` is not a whole number from 0 to 400
 */
export function applyHeapPolicy(env: NodeJS.ProcessEnv): number {
  const raw = env['TICKWIRE_HEAP_GROWING_PERCENT'];
  let percent = CLI_HEAP_GROWING_PERCENT;
  if (raw !== undefined && raw !== '') {
    percent = Number(raw);
    if (!Number.isInteger(percent) || percent < 0 || percent > 400)
      throw new ValidationError('TICKWIRE_HEAP_GROWING_PERCENT', raw, 'a whole number from 0 to 400');
  }
  // Someone tuning V8 themselves wins.
  if (percent === 0 || /heap[-_]growing[-_]percent/.test(env['NODE_OPTIONS'] ?? '')) return 0;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
