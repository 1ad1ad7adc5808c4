/**
 * What `tickwire fleet` prints: the submit summary, a worker's log lines and the status table. Pure.
 *
 * @module
 */
import type { FleetStatus } from '../fleet/status.js';
import type { SubmitReport } from '../fleet/submit.js';
import { unitLabel } from '../fleet/units.js';
import type { FleetWorkerEvent } from '../fleet/worker.js';

/** The line a submit prints. */
export function describeSubmit(r: SubmitReport): string {
  const syms = r.symbols.map((s) => s.symbol).join(',');
  return (
    `fleet submit ${syms} ${r.firstDay}..${r.lastDay}: ${r.units} unit(s); ${r.held} already in the archive, ` +
    `${r.added} queued, ${r.alreadyQueued} already queued or running, ${r.finished} finished before, ` +
    `${r.requeued} queued again (queue ${r.queue})`
  );
}

/** The log line of a worker event, or `undefined` for events not shown. */
export function describeWorkerEvent(e: FleetWorkerEvent): string | undefined {
  switch (e.type) {
    case 'started':
      return `start ${unitLabel(e.unit)}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'done':
      return (
        `done ${unitLabel(e.unit)}: ${e.result.rows} rows, ${e.result.requests} requests, ` +
        `${(e.result.ms / 1000).toFixed(1)} s${e.result.complete ? '' : ' (day not over yet)'}` +
        (e.result.permanentGaps > 0 ? `, ${e.result.permanentGaps} permanent gap(s)` : '')
      );
    case 'failed':
      return `${e.final ? 'FAILED' : 'retry'} ${e.unit ? unitLabel(e.unit) : '?'} (attempt ${e.attempt}): ${e.reason}`;
    case 'paused':
      return `paused ${e.exchange} for the whole limit scope for ${Math.round(e.ms / 1000)} s: ${e.reason}`;
    case 'error':
      return `warning: ${e.error.message}`;
  }
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The status table. */
export function describeStatus(s: FleetStatus): string[] {
  const lines = [
    `fleet ${s.queue}: ${s.workers} worker(s) connected`,
    `  done      ${s.done}`,
    `  running   ${s.running}`,
    `  waiting   ${s.waiting}`,
    `  retrying  ${s.retrying}`,
    `  failed    ${s.failed}`,
    `  rate      ${s.unitsPerMinute.toFixed(1)} units/min, ${Math.round(s.rowsPerSecond)} rows/s`,
    `  ETA       ${s.etaMs === undefined ? '-' : duration(s.etaMs)}`,
  ];
  if (s.failures.length > 0) {
    lines.push('failed units (resubmit the job to queue them again):');
    for (const f of s.failures) lines.push(`  ${f.label} after ${f.attempts} attempt(s): ${f.reason}`);
    if (s.failed > s.failures.length) lines.push(`  ... and ${s.failed - s.failures.length} more`);
  }
  return lines;
}

/** True when no unit is left to run (none running, waiting or waiting for a retry). */
export function drained(s: FleetStatus): boolean {
  return s.running + s.waiting + s.retrying === 0;
}
