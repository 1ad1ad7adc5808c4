#!/usr/bin/env node
/**
 * The `tickwire` executable: runs the CLI on the process's arguments and streams, and exits with its code.
 * Kept thin; everything else lives in `program.ts` and `commands/`.
 *
 * @module
 */
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
  // For bench/cli-memory.bench.ts: the peak resident set size of this process, in KiB.
  const usage = process.resourceUsage();
  process.stderr.write(`tickwire-maxrss-kb ${usage.maxRSS}\n`);
  // For bench/archive.bench.ts: CPU time (user + system) of this process, in ms.
  process.stderr.write(`tickwire-cpu-ms ${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
}
// Exit now: keep-alive sockets and timers of finished work must not hold the process open.
process.exit(code);
