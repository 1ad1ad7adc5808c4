/**
 * The fixed-window side of {@link RedisRateLimiter}, as pure functions: the grant marks of a batch the take
 * script granted, and which observations are worth a round trip to Redis (one that raises what is known,
 * or gives a carry back). The Lua scripts in `redis-script.ts` apply them atomically.
 *
 * @module
 */
import type { TakeReply } from './redis-script.js';
import type { LimitGrant, NormalizedRateLimit, Observation } from './types.js';

/** What a process last saw of one fixed window in Redis: its index and the others' count. */
export type SeenWindow = { window: number; others: number };

/**
 * The grant of each request the take script granted (`reply.granted` of `costs`, in order): per fixed
 * window, its index, the running count after the request and what it carried into the next window.
 * `undefined` when the exchange has no fixed window.
 */
export function grantsOf(
  limits: readonly NormalizedRateLimit[],
  costs: readonly number[],
  reply: TakeReply,
): LimitGrant[] | undefined {
  if (!limits.some((l) => l.kind === 'fixed-window') || reply.windows.length !== limits.length)
    return undefined;
  const after = reply.windows.map((r) => r.before);
  const grants: LimitGrant[] = [];
  for (const cost of costs.slice(0, reply.granted)) {
    const marks: { name: string; window: number; after: number; carried: number }[] = [];
    limits.forEach((l, i) => {
      if (l.kind !== 'fixed-window') return;
      const charge = l.counts === 'requests' ? 1 : cost;
      after[i] = (after[i] as number) + charge;
      const r = reply.windows[i] as TakeReply['windows'][number];
      marks.push({
        name: l.name,
        window: r.window,
        after: after[i] as number,
        carried: r.carried ? charge : 0,
      });
    });
    grants.push({ marks });
  }
  return grants;
}

/** One OBSERVE script call: limit index and its arguments. */
export type ObserveCall = { index: number; window: number; args: (string | number)[] };

/**
 * The OBSERVE calls one observation needs: for each fixed window of the grant, when the reported usage
 * raises what `seen` says is known, or the grant carried weight into the next window.
 */
export function observeCalls(
  limits: readonly NormalizedRateLimit[],
  seen: readonly SeenWindow[],
  observation: Observation,
): ObserveCall[] {
  const marks = observation.grant?.marks;
  if (!Array.isArray(marks)) return [];
  const usage = Array.isArray(observation.usage) ? observation.usage : [];
  const calls: ObserveCall[] = [];
  for (const mark of marks) {
    const index = limits.findIndex((l) => l.name === mark.name);
    const limit = limits[index];
    if (limit === undefined || limit.kind !== 'fixed-window') continue;
    const report = usage.find((u) => u.name === mark.name);
    const reported =
      report !== undefined && typeof report.used === 'number' && Number.isFinite(report.used)
        ? report.used
        : -1;
    const known = seen[index];
    const raises =
      reported >= 0 &&
      (known === undefined || known.window !== mark.window || reported - mark.after > known.others);
    const carried = mark.carried ?? 0;
    if (!raises && carried <= 0) continue;
    calls.push({
      index,
      window: mark.window,
      args: [mark.window, mark.after, reported, limit.intervalMs, limit.offsetMs, carried],
    });
  }
  return calls;
}
