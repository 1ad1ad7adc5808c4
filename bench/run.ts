/**
 * Benchmark runner: `npm run bench` runs every `bench/*.bench.ts`, each in its own process so that one
 * benchmark's heap and timers do not disturb the next; `npm run bench -- http` runs those whose file name
 * contains "http". Each benchmark prints its own report (Markdown) to stdout.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ') || '(none found)'}.`);
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, file)], {
    stdio: 'inherit',
  });
  if (res.status !== 0) {
    failed++;
    console.error(`${file} exited with ${res.status ?? res.signal}`);
  }
}
process.exit(failed ? 1 : 0);
