/**
 * `tickwire archive ls <dir>` (what the archive holds, from its completeness records) and
 * `tickwire archive verify <dir>` (re-read every file and check it against its record).
 *
 * @module
 */
import type { SeriesCoverage } from '../../archive/coverage.js';
import { formatIsoNs } from '../../core/time.js';
import { type CliContext, type CommandModule, globalsOf } from '../context.js';
import { EXIT } from '../exit.js';

const EXAMPLES = `
Examples:
  $ tickwire archive ls data
  $ tickwire archive ls data --json | jq '.[] | {symbol, rows}'
  $ tickwire archive verify data

Layout, completeness record format and reading with DuckDB, Polars, pandas: docs/ARCHIVE.md.`;

/** The `archive` command and its subcommands. */
export const archiveCommand: CommandModule = {
  name: 'archive',
  register(program, ctx) {
    const cmd = program
      .command('archive')
      .summary('list or verify a Parquet archive written by tickwire sync')
      .description('Inspect the Hive-partitioned Parquet archive that `tickwire sync` fills.')
      .addHelpText('after', EXAMPLES);
    const ls = cmd
      .command('ls')
      .summary('what the archive holds, per exchange, kind and symbol')
      .description(
        'A table of every series (exchange, kind, symbol) with first and last day, days, complete days,\n' +
          'rows, size and gaps, read from the completeness records; --json for machines.',
      )
      .argument('<dir>', 'the archive folder')
      .option('--json', 'print JSON (ns values as strings) instead of a table')
      .option('--gaps', 'also list every recorded gap with its reason')
      .action((dir: string, flags: { json?: boolean; gaps?: boolean }) => runLs(ctx, dir, flags));
    const verify = cmd
      .command('verify')
      .summary('re-read every file and check it against the completeness records')
      .description(
        'Checks every file: present, size, SHA-256, readable, rows, the range in its own footer, time order,\n' +
          'rows inside its day, no key twice, no unlisted file, and that each record claims only what its files\n' +
          'back. Prints one line per problem (naming the file) on stdout; exit 0 when all holds, 1 otherwise.',
      )
      .argument('<dir>', 'the archive folder')
      .option('--json', 'print the report as JSON')
      .action((dir: string, flags: { json?: boolean }) => runVerify(ctx, verify, dir, flags));
    for (const sub of [ls, verify]) {
      sub.exitOverride().configureOutput({
        writeOut: (s) => ctx.io.stdout.write(s),
        writeErr: (s) => ctx.io.stderr.write(s),
      });
    }
  },
};

async function assertArchive(dir: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    const { ValidationError } = await import('../../core/errors.js');
    throw new ValidationError('<dir>', dir, 'an existing archive folder');
  }
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** The `archive ls` table. Pure. */
export function coverageTable(series: readonly SeriesCoverage[]): string[] {
  const header = [
    'exchange',
    'kind',
    'symbol',
    'first day',
    'last day',
    'days',
    'complete',
    'rows',
    'size',
    'gaps',
  ];
  const body = series.map((s) => [
    s.exchange,
    s.archiveKind,
    s.symbol,
    s.firstDay,
    s.lastDay,
    String(s.days.length),
    String(s.completeDays),
    s.rows.toLocaleString('en-US'),
    human(s.bytes),
    String(s.gaps) + (s.missingDays.length ? ` (+${s.missingDays.length} days never synced)` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const right = new Set([5, 6, 7, 8]);
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)];
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

async function runLs(ctx: CliContext, dir: string, flags: { json?: boolean; gaps?: boolean }): Promise<void> {
  await assertArchive(dir);
  const { archiveCoverage } = await import('../../archive/coverage.js');
  const series = await archiveCoverage({ dir });
  const out = ctx.io.stdout;
  if (flags.json) {
    out.write(`${JSON.stringify(series, jsonReplacer, 2)}\n`);
    return;
  }
  if (series.length === 0) {
    out.write(`${dir}: empty archive (no completeness record found)\n`);
    return;
  }
  for (const line of coverageTable(series)) out.write(`${line}\n`);
  const partial = series.flatMap((s) => s.days.filter((d) => !d.complete).map((d) => ({ s, d })));
  if (flags.gaps) {
    for (const s of series) {
      for (const d of s.days) {
        for (const g of d.gaps) {
          out.write(
            `gap ${s.exchange} ${s.archiveKind} ${s.symbol} [${formatIsoNs(g.range.startNs)}, ${formatIsoNs(g.range.endNs)}): ${g.reason}\n`,
          );
        }
      }
    }
  } else if (partial.length > 0) {
    out.write(
      `${partial.length} day(s) not complete (partly synced, or with gaps); --gaps lists the gaps.\n`,
    );
  }
}

async function runVerify(
  ctx: CliContext,
  cmd: import('commander').Command,
  dir: string,
  flags: { json?: boolean },
): Promise<void> {
  await assertArchive(dir);
  const quiet = globalsOf(cmd).quiet === true;
  const { verifyArchive } = await import('../../archive/verify.js');
  const started = Date.now();
  const report = await verifyArchive({ dir });
  if (flags.json) {
    ctx.io.stdout.write(`${JSON.stringify(report, jsonReplacer, 2)}\n`);
  } else {
    for (const p of report.problems) ctx.io.stdout.write(`${p.path}: ${p.check}: ${p.message}\n`);
  }
  if (!quiet) {
    ctx.io.stderr.write(
      `archive verify ${dir}: ${report.partitions} day(s), ${report.files} file(s), ${report.rows.toLocaleString('en-US')} rows ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        (report.ok ? 'all consistent.\n' : `${report.problems.length} PROBLEM(S).\n`),
    );
  }
  ctx.exitCode = report.ok ? EXIT.OK : EXIT.INCOMPLETE;
}
