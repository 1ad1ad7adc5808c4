/**
 * Durable file operations: fsync a file or a folder, rename and then fsync the folder, write a small file
 * through a temporary name. The order (data, fsync, rename, fsync folder) is what makes a crash leave
 * either the old state or the new one, never a torn file under its final name.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** fsyncs a folder, so a rename or a new name inside it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems (and Windows) refuse fsync on a directory; the rename itself is still atomic.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/** A temporary name beside `path` (same folder, so the rename stays on one file system). */
export function tempNameFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.tmp-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/** Renames `from` to `to` and fsyncs the folder of `to` (and of `from`, when another). */
export async function renameDurable(from: string, to: string): Promise<void> {
  await rename(from, to);
  await fsyncDir(dirname(to));
  if (dirname(from) !== dirname(to)) await fsyncDir(dirname(from));
}

/** Writes `data` to `path` atomically and durably: temporary name, fsync, rename, fsync folder. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempNameFor(path);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await renameDurable(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
