#!/usr/bin/env node
/**
 * The `tickwire` executable: runs the CLI on the process's arguments and streams, and exits with its code.
 * Kept thin; everything else lives in `program.ts` and `commands/`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { applyHeapPolicy } from './heap.js';
import { runCli } from './program.js';

try {
  applyHeapPolicy(process.env);
} catch (error) {
  process.stderr.write(`tickwire: error: ${(error as Error).message}\n`);
  process.exit(2);
}

// The reader of a pipe went away (`tickwire trades ... | head`): that is how pipes end, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
if (process.env.TICKWIRE_REPORT_MAXRSS === '1') {
  // For bench/cli-memory.bench.ts: the peak resident set size of this process, in KiB. On Linux from
  // VmHWM: getrusage's maxRSS survives exec, so a child forked by a large benchmark process would report
  // its parent's size at the fork instead of its own.
  const usage = process.resourceUsage();
  process.stderr.write(`tickwire-maxrss-kb ${peakRssKb() ?? usage.maxRSS}\n`);
  // For bench/archive.bench.ts: CPU time (user + system) of this process, in ms.
  process.stderr.write(`tickwire-cpu-ms ${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
}
// Exit now: keep-alive sockets and timers of finished work must not hold the process open.
process.exit(code);

/** The peak resident set size of this address space (`VmHWM`, Linux), in KiB; `undefined` elsewhere. */
function peakRssKb(): number | undefined {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return hwm ? Number(hwm[1]) : undefined;
  } catch {
    return undefined;
  }
}
