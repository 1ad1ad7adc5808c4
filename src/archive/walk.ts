/**
 * Walking an archive: every partition folder (`exchange=/kind=/symbol=/date=`), in sorted order.
 *
 * @module
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type PartitionKey, parsePartitionPath } from './layout.js';

/** A partition folder found on disk. */
export type FoundPartition = {
  /** The partition, parsed from the folder names. */
  key: PartitionKey;
  /** The folder. */
  path: string;
};

async function subdirs(dir: string, prefix: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && e.name.startsWith(prefix))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Every partition folder under `dir`, optionally only of one exchange, kind folder name or symbol. */
export async function findPartitions(
  dir: string,
  filter: { exchange?: string; archiveKind?: string; symbol?: string } = {},
): Promise<FoundPartition[]> {
  const out: FoundPartition[] = [];
  for (const e of await subdirs(dir, 'exchange=')) {
    if (filter.exchange !== undefined && e !== `exchange=${filter.exchange}`) continue;
    for (const k of await subdirs(join(dir, e), 'kind=')) {
      if (filter.archiveKind !== undefined && k !== `kind=${filter.archiveKind}`) continue;
      for (const s of await subdirs(join(dir, e, k), 'symbol=')) {
        for (const d of await subdirs(join(dir, e, k, s), 'date=')) {
          const key = parsePartitionPath([e, k, s, d]);
          if (!key) continue;
          if (filter.symbol !== undefined && key.symbol !== filter.symbol) continue;
          out.push({ key, path: join(dir, e, k, s, d) });
        }
      }
    }
  }
  return out;
}
