/**
 * The time range of a download from `--from`/`--to`, checked against each other and, with `--sim`,
 * against the simulator's market clock (nothing exists at or after it). Pure.
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import { formatIsoNs, nowNs } from '../core/time.js';
import type { TimeArg } from './args.js';

/** A resolved range, half-open `[startNs, endNs)`. */
export type CliRange = {
  startNs: bigint;
  endNs: bigint;
  /** True when `--to now` was given (a bar or trade "not there yet" at the end is then not a gap). */
  toNow: boolean;
};

/**
 * Resolves `--from`/`--to`. `now` is the wall clock, or the simulator's clock when `simNowNs` is given.
 *
 * @throws ValidationError naming `--from` or `--to`
 */
export function resolveRange(from: TimeArg, to: TimeArg, simNowNs?: bigint, wallNowNs = nowNs()): CliRange {
  const now = simNowNs ?? wallNowNs;
  const startNs = from === 'now' ? now : from;
  const endNs = to === 'now' ? now : to;
  if (simNowNs !== undefined) {
    const clock = formatIsoNs(simNowNs);
    if (startNs >= simNowNs) {
      throw new ValidationError(
        '--from',
        from === 'now' ? 'now' : formatIsoNs(startNs),
        `a time before the simulator's clock ${clock} (its market ends there)`,
      );
    }
    if (endNs > simNowNs) {
      throw new ValidationError(
        '--to',
        formatIsoNs(endNs),
        `a time at or before the simulator's clock ${clock} (its market ends there; --to now means ${clock})`,
      );
    }
  }
  if (startNs >= endNs) {
    throw new ValidationError(
      '--from',
      from === 'now' ? 'now' : formatIsoNs(startNs),
      `a time before --to (${to === 'now' ? `now, ${formatIsoNs(endNs)}` : formatIsoNs(endNs)})`,
    );
  }
  return { startNs, endNs, toNow: to === 'now' };
}
