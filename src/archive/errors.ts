/**
 * The archive's errors.
 *
 * @module
 */
import { TickwireError } from '../core/errors.js';

/** A completeness record cannot be read, or does not describe the folder it is in. */
export class ArchiveCorruptError extends TickwireError {
  override readonly name = 'ArchiveCorruptError' as const;
  /** The completeness record (or folder) concerned. */
  readonly path: string;

  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(
      'ERR_ARCHIVE_CORRUPT',
      `The archive record ${path} is unusable: ${problem}. Run \`tickwire archive verify\` on the archive; ` +
        'move the day folder away and sync it again to rebuild it.',
      options,
    );
    this.path = path;
  }
}

/** Another writer held a partition's lock for longer than the caller was willing to wait. */
export class ArchiveLockedError extends TickwireError {
  override readonly name = 'ArchiveLockedError' as const;
  /** The lock file. */
  readonly path: string;
  /** Who holds it, as written in the lock file (host, pid, since). */
  readonly owner: string;

  constructor(path: string, owner: string, waitedMs: number) {
    super(
      'ERR_ARCHIVE_LOCKED',
      `The archive partition lock ${path} is held by ${owner}; gave up after ${Math.round(waitedMs / 1000)} s. ` +
        'Rerun when that writer is done (a lock whose owner died is taken over automatically).',
    );
    this.path = path;
    this.owner = owner;
  }
}
