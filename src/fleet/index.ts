/**
 * The fleet: backfills larger than one machine. `fleet.submit` splits a job into units (symbol × UTC
 * day) and queues those the archive does not hold, on BullMQ in Redis; `fleet.worker` processes on any
 * number of machines sync them into one shared archive, each egress IP within its limit; `fleet.status`
 * says how far it is. Deployment: docs/FLEET.md.
 *
 * @module
 */
import { type FleetStatus, fleetStatus, type StatusOptions } from './status.js';
import { type SubmitOptions, type SubmitReport, submitFleetJob } from './submit.js';
import { type FleetWorker, type FleetWorkerOptions, startFleetWorker } from './worker.js';

export { type Ban, banIn } from './ban.js';
export { heldDates } from './plan.js';
export {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_QUEUE,
  type FleetQueueOptions,
} from './queue.js';
export { type FailedUnit, type FleetStatus, fleetStatus, rateOf, type StatusOptions } from './status.js';
export { type SubmitOptions, type SubmitReport, submitFleetJob } from './submit.js';
export { type FleetUnit, parseUnit, unitJobId, unitLabel } from './units.js';
export {
  type FleetWorker,
  type FleetWorkerEvent,
  type FleetWorkerOptions,
  startFleetWorker,
  type UnitResult,
} from './worker.js';

/** The fleet API as one object: `fleet.submit(...)`, `fleet.worker(...)`, `fleet.status(...)`. */
export const fleet: {
  /** See {@link submitFleetJob}. */
  submit(options: SubmitOptions): Promise<SubmitReport>;
  /** See {@link startFleetWorker}. */
  worker(options: FleetWorkerOptions): Promise<FleetWorker>;
  /** See {@link fleetStatus}. */
  status(options: StatusOptions): Promise<FleetStatus>;
} = { submit: submitFleetJob, worker: startFleetWorker, status: fleetStatus };
