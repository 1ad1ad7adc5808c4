/**
 * A lock per partition, as a file created with `O_CREAT | O_EXCL` (atomic on local file systems and on
 * NFSv3+), holding its owner (host, pid, a random token, start time). The holder touches the file's mtime
 * every `heartbeatMs`. A lock is stale, and taken over, when its owner is a dead process on this host, or when
 * its heartbeat is older than `staleMs` (an owner on another host). Taking over renames the stale file away
 * first and checks it was the one judged stale, so two processes breaking the same lock do not both win.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { sleep, throwIfAborted } from '../transport/sleep.js';
import { ArchiveLockedError } from './errors.js';

/** Options of {@link acquireLock}. */
export type LockOptions = {
  /** Longest wait for a lock held by a live owner, in ms; then `ArchiveLockedError`. @default 600_000 */
  timeoutMs?: number;
  /** A lock whose heartbeat is older than this is stale (its owner is presumed dead), in ms. @default 30_000 */
  staleMs?: number;
  /** How often the holder touches the lock file, in ms. @default staleMs / 4 */
  heartbeatMs?: number;
  /** Aborts the wait. @default undefined */
  signal?: AbortSignal;
};

/** A held lock. */
export type HeldLock = {
  /** The lock file. */
  readonly path: string;
  /** Releases the lock (removes the file if it is still ours). Idempotent. */
  release(): Promise<void>;
};

type Owner = { host: string; pid: number; token: string; since: string };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<{ owner: Owner | undefined; mtimeMs: number } | undefined> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let owner: Owner | undefined;
    try {
      const o = JSON.parse(text) as Owner;
      if (typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.token === 'string') owner = o;
    } catch {
      owner = undefined; // created but not yet written, or torn: judged by its age alone
    }
    return { owner, mtimeMs: st.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function describeOwner(owner: Owner | undefined): string {
  return owner ? `${owner.host} pid ${owner.pid} since ${owner.since}` : 'an unknown writer';
}

function isStale(info: { owner: Owner | undefined; mtimeMs: number }, staleMs: number): boolean {
  const { owner } = info;
  if (owner && owner.host === hostname() && !pidAlive(owner.pid)) return true;
  return Date.now() - info.mtimeMs > staleMs;
}

/** Removes a stale lock, unless it was replaced meanwhile by a live one (then it is put back). */
async function breakStale(path: string, judged: Owner | undefined): Promise<void> {
  const moved = `${path}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it
    throw error;
  }
  const now = await readOwner(moved);
  if (now?.owner && judged && now.owner.token !== judged.token) {
    // We moved a fresh lock taken after our judgement: restore it (fails harmlessly if a third took the name).
    await link(moved, path).catch(() => undefined);
  }
  await unlink(moved).catch(() => undefined);
}

/**
 * Takes the lock file `path`, waiting (polling with backoff) while a live owner holds it.
 *
 * @throws ArchiveLockedError after `timeoutMs`; AbortError when `signal` aborts
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const staleMs = options.staleMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(staleMs / 4));
  const started = Date.now();
  let delay = 20;
  const me: Owner = {
    host: hostname(),
    pid: process.pid,
    token: randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
  };
  for (;;) {
    throwIfAborted(options.signal);
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return held(path, me, heartbeatMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const info = await readOwner(path);
    if (info === undefined) continue; // released meanwhile
    if (isStale(info, staleMs)) {
      await breakStale(path, info.owner);
      continue;
    }
    if (Date.now() - started >= timeoutMs) {
      throw new ArchiveLockedError(path, describeOwner(info.owner), Date.now() - started);
    }
    await sleep(delay + Math.floor(Math.random() * delay), options.signal);
    delay = Math.min(1000, delay * 2);
  }
}

function held(path: string, me: Owner, heartbeatMs: number): HeldLock {
  const timer = setInterval(() => {
    const t = new Date();
    utimes(path, t, t).catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  let released: Promise<void> | undefined;
  return {
    path,
    release() {
      released ??= (async () => {
        clearInterval(timer);
        const info = await readOwner(path).catch(() => undefined);
        if (info?.owner?.token === me.token) await unlink(path).catch(() => undefined);
      })();
      return released;
    },
  };
}
