/**
 * Test harness: a throwaway PostgreSQL server (Debian's `postgresql` package) from a temporary data
 * directory, on a free loopback port, with its unix socket in that directory. Never the system service.
 *
 * PostgreSQL refuses to run as root, so when the tests run as root the server's files belong to the
 * `postgres` system user and its processes run as that user (Node's `spawn` `uid`/`gid`). `fsync` and
 * `full_page_writes` are off (a crash of the *machine* could corrupt this throwaway cluster; startup and
 * loads are fast). `synchronous_commit` stays on: a commit is in the WAL (the OS's cache) before the client
 * hears of it, so a server stopped with SIGQUIT (immediate shutdown, as a crash) keeps every commit it
 * acknowledged — which is what the outage tests check.
 *
 * Host connections (TCP) need a password (scram-sha-256), so the tests see real authentication and can
 * check that the password never reaches a message; the unix socket trusts the local user (for `psql` in the
 * benchmark).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chown, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian installs PostgreSQL's server binaries: `/usr/lib/postgresql/<major>/bin`. */
const PG_ROOT = '/usr/lib/postgresql';

/** The database user the harness creates, and its password. */
export const PG_TEST_USER = 'tickwire';
/** The password of {@link PG_TEST_USER} (over TCP). */
export const PG_TEST_PASSWORD = 'pw-s3cret-9f2e';

/** Options of {@link PostgresTestServer.start}. */
export type PostgresTestOptions = {
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
};

/** A PostgreSQL server child process on 127.0.0.1. */
export class PostgresTestServer {
  readonly port: number;
  /** The temporary folder holding the data directory and the unix socket. */
  readonly dir: string;
  readonly #bin: string;
  readonly #owner: { uid: number; gid: number } | undefined;
  readonly #settings: Record<string, string>;
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(
    port: number,
    dir: string,
    bin: string,
    owner: { uid: number; gid: number } | undefined,
    settings: Record<string, string>,
  ) {
    this.port = port;
    this.dir = dir;
    this.#bin = bin;
    this.#owner = owner;
    this.#settings = settings;
  }

  /** `postgres://tickwire:<password>@127.0.0.1:<port>/<db>`. */
  url(database = 'postgres'): string {
    return `postgres://${PG_TEST_USER}:${PG_TEST_PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  /** The folder with the server's binaries (`psql` is in `/usr/bin` too). */
  get binDir(): string {
    return this.#bin;
  }

  /** Runs `initdb` in a fresh temporary folder and starts the server on a free port. */
  static async start(options: PostgresTestOptions = {}): Promise<PostgresTestServer> {
    const bin = await findBinDir();
    const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
    const dir = await mkdtemp(join(tmpdir(), 'tickwire-pg-'));
    if (owner) await chown(dir, owner.uid, owner.gid);
    const server = new PostgresTestServer(await freePort(), dir, bin, owner, options.settings ?? {});
    try {
      await server.#initdb();
      await server.restart();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  async #initdb(): Promise<void> {
    const pwfile = join(this.dir, 'pwfile');
    await writeFile(pwfile, `${PG_TEST_PASSWORD}\n`, { mode: 0o600 });
    if (this.#owner) await chown(pwfile, this.#owner.uid, this.#owner.gid);
    const args = [
      '-D',
      join(this.dir, 'data'),
      '-U',
      PG_TEST_USER,
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ];
    const child = this.#spawn(join(this.#bin, 'initdb'), args);
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`initdb failed (${code}):\n${this.#log}`);
  }

  /** Starts the server (again) on the same port and data; resolves once it accepts a query. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('postgres is already running');
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      port: String(this.port),
      unix_socket_directories: this.dir,
      fsync: 'off',
      full_page_writes: 'off',
      max_connections: '40',
      shared_buffers: '64MB',
      max_wal_size: '1GB',
      logging_collector: 'off',
      log_min_messages: 'warning',
      ...this.#settings,
    };
    const args = ['-D', join(this.dir, 'data')];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const child = this.#spawn(join(this.#bin, 'postgres'), args);
    this.#child = child;
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = Date.now() + 20_000;
    while (!(await this.#answers())) {
      if (Date.now() > deadline || child.exitCode !== null) {
        await this.stop();
        throw new Error(`postgres did not start on port ${this.port}:\n${this.#log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Stops the server. `'immediate'` (default) is a crash as far as clients see it: every connection is
   * cut at once, open transactions die, and the next start recovers. `'fast'` rolls back and exits cleanly.
   */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill(mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  }

  /** Stops the server and removes its folder. */
  async close(): Promise<void> {
    await this.stop('immediate');
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Runs one query on a fresh connection (over TCP, with the password). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values: unknown[] = [],
    database = 'postgres',
  ): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Creates a database (each test can use its own). */
  async createDatabase(name: string): Promise<string> {
    await this.query(`CREATE DATABASE "${name}"`);
    return this.url(name);
  }

  /** Spawns a server binary as the data directory's owner. */
  #spawn(file: string, args: string[]): ChildProcess {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, HOME: this.dir },
      cwd: this.dir,
      ...(this.#owner ? { uid: this.#owner.uid, gid: this.#owner.gid } : {}),
    });
    const keep = (d: Buffer): void => {
      this.#log = (this.#log + d.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  async #answers(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** The newest `/usr/lib/postgresql/<major>/bin` that has `initdb` and `postgres`. */
async function findBinDir(): Promise<string> {
  const fromEnv = process.env.TICKWIRE_PG_BIN;
  if (fromEnv) return fromEnv;
  let majors: string[] = [];
  try {
    majors = (await readdir(PG_ROOT)).filter((d) => /^\d+(\.\d+)?$/.test(d));
  } catch {
    // fall through to the error below
  }
  majors.sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(PG_ROOT, major, 'bin');
    const ok = await stat(join(bin, 'initdb')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (ok) return bin;
  }
  throw new Error(
    `no PostgreSQL server binaries under ${PG_ROOT}/<version>/bin: install Debian's postgresql package (apt-get install postgresql)`,
  );
}

/** The `postgres` system user's ids (the Debian package creates it), from /etc/passwd. */
function postgresUser(): { uid: number; gid: number } {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'postgres' && uid !== undefined && gid !== undefined) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new Error('running as root, but there is no `postgres` user to run the test server as');
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const address = srv.address();
  srv.close();
  await once(srv, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
