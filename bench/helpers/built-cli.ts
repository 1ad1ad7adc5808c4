/**
 * The CLI as users run it: `node dist/cli/main.js`, built first with `tsc -p tsconfig.build.json`. Benchmarks
 * that measure the CLI's memory or CPU run this, not tsx (whose compiler adds its own memory and start-up).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Arguments for `process.execPath` that run the built CLI (relative to {@link ROOT}). */
export const BUILT_CLI = ['dist/cli/main.js'];

/** Builds `dist/` (throws when the build fails). */
export function buildCli(): void {
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error('the build failed');
}
