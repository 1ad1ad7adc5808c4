/**
 * The loop around one live stream: run it, and start it again when it ends, fails, or goes silent (the
 * health board aborts a run that delivered no data for longer than its limit). Stops when the recorder's
 * signal aborts. Failures wait with a growing delay (1 s doubling to 30 s), reset after a run that
 * delivered data.
 *
 * @module
 */
import { sleep } from '../transport/sleep.js';
import type { TaskContext } from './context.js';

/** Runs `body` until `ctx.signal` aborts, restarting it as described above. */
export async function runRestartable(
  ctx: TaskContext,
  id: string,
  kind: string,
  symbol: string,
  body: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  let failures = 0;
  const labels = { exchange: ctx.exchange, kind, symbol };
  while (!ctx.signal.aborted) {
    const run = new AbortController();
    const onStop = () => run.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onStop, { once: true });
    let silent = false;
    ctx.health.watch(
      id,
      ctx.silenceMs,
      () => {
        silent = true;
        ctx.emit('silent', { ...labels, silentForMs: ctx.silenceMs });
        run.abort('silent');
      },
      (up) => ctx.metrics.up.set(labels, up ? 1 : 0),
    );
    const startedMs = Date.now();
    try {
      await body(run.signal);
      failures = 0;
    } catch (error) {
      if (ctx.signal.aborted) break;
      if (!silent) {
        failures++;
        ctx.emit('error', { ...labels, error, fatal: false });
      }
    } finally {
      ctx.signal.removeEventListener('abort', onStop);
    }
    if (ctx.signal.aborted) break;
    const cause = silent ? 'silent' : failures > 0 ? 'error' : 'ended';
    ctx.metrics.reconnects.inc({ ...labels, cause });
    ctx.emit('reconnect', {
      ...labels,
      cause,
      detail: silent
        ? `no data for ${ctx.silenceMs} ms`
        : `stream ${cause} after ${Math.round(Date.now() - startedMs)} ms`,
    });
    if (failures > 0) {
      await sleep(Math.min(30_000, 1000 * 2 ** (failures - 1)), ctx.signal).catch(() => undefined);
    }
  }
  ctx.health.unwatch(id);
}
