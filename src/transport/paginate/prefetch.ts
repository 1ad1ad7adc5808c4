/**
 * Ordered, bounded, lazy prefetch: run up to `concurrency` jobs at once, hand results back strictly in job
 * order, and start a new job only when the consumer pulls.
 *
 * At any time at most `concurrency` jobs are running or finished-but-unread, counting the one whose
 * result the consumer is processing. With `concurrency = 1` nothing is fetched ahead at all.
 *
 * @module
 */
import { raceAbort } from './abortable.js';

/** A job and its result, in job order. */
export type Settled<J, R> = { job: J; result: R };

/**
 * Yields `{ job, result }` for each job from `nextJob()` (which returns `undefined` when there are no more)
 * in order. `nextJob` is called lazily, so it may depend on state that earlier results changed (a shrunk
 * window). A job's rejection is thrown when the consumer reaches that job, not before: earlier results are
 * delivered first. Waiting is abortable through `signal`; on abort or early return, running jobs are left
 * to the caller's signal to cancel and their rejections are swallowed.
 */
export async function* orderedPrefetch<J, R>(
  nextJob: () => J | undefined,
  run: (job: J) => Promise<R>,
  concurrency: number,
  signal: AbortSignal,
): AsyncGenerator<Settled<J, R>, void, undefined> {
  const queue: { job: J; promise: Promise<R> }[] = [];
  let exhausted = false;
  while (true) {
    while (!exhausted && queue.length < concurrency) {
      const job = nextJob();
      if (job === undefined) {
        exhausted = true;
        break;
      }
      const promise = run(job);
      promise.catch(() => {}); // surfaced in order below; never unhandled if abandoned
      queue.push({ job, promise });
    }
    const head = queue.shift();
    if (head === undefined) return;
    const result = await raceAbort(head.promise, signal);
    yield { job: head.job, result };
  }
}
