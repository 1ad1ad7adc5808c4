/**
 * One dedicated node-postgres connection for a sink, with failures turned into `PostgresSinkError`s
 * whose text never holds the password.
 *
 * @module
 */
import pg from 'pg';
import { type CommittedRecord, PostgresSinkError } from '../../core/errors.js';
import { redactPostgresUrl } from './url.js';

/** What a failure message needs to say where it happened. */
export type FailureContext = {
  target: string;
  table: string;
  lastCommitted?: CommittedRecord | undefined;
  committedRows?: number;
};

/** A connected client and the redacted form of its URL. */
export type SinkConnection = {
  client: pg.Client;
  /** The URL with its password redacted. */
  target: string;
  /** The error the connection reported while idle (server gone), if any. */
  readonly lost: Error | undefined;
};

/** Options of {@link connectPostgres}. */
export type ConnectPostgresOptions = {
  /** Shown in `pg_stat_activity`. @default 'tickwire' */
  applicationName?: string;
  /** How long to wait for the connection. @default 10_000 */
  connectTimeoutMs?: number;
};

/**
 * Connects to `url`. The password may be in the URL, in `PGPASSWORD`, or in `~/.pgpass` (node-postgres
 * reads both); it never appears in an error.
 *
 * @throws PostgresSinkError when the server cannot be reached or refuses the login
 */
export async function connectPostgres(
  url: string,
  table: string,
  options: ConnectPostgresOptions = {},
): Promise<SinkConnection> {
  const target = redactPostgresUrl(url);
  const client = new pg.Client({
    connectionString: url,
    application_name: options.applicationName ?? 'tickwire',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // A server that vanishes without closing the connection (a cut network) is noticed by TCP keepalive.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  const state: { lost: Error | undefined } = { lost: undefined };
  // Without a listener an idle connection cut by the server would crash the process.
  client.on('error', (error) => {
    state.lost = error;
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw sinkError(error, url, { target, table }, 'cannot connect');
  }
  return {
    client,
    target,
    get lost() {
      return state.lost;
    },
  };
}

/**
 * Wraps a failure (a node-postgres error, a socket error) in a `PostgresSinkError` naming the last
 * committed record. The password of `url` is scrubbed from the detail in case a driver message held it.
 */
export function sinkError(
  error: unknown,
  url: string,
  ctx: FailureContext,
  doing: string,
): PostgresSinkError {
  if (error instanceof PostgresSinkError) return error;
  const e = error as { message?: unknown; code?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  let message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  if (code !== undefined && !message.includes(code)) message += ` (${code})`;
  const detail = scrub(`${doing}: ${message}`, url);
  return new PostgresSinkError(
    detail,
    {
      target: ctx.target,
      table: ctx.table,
      ...(ctx.lastCommitted ? { lastCommitted: ctx.lastCommitted } : {}),
      ...(ctx.committedRows === undefined ? {} : { committedRows: ctx.committedRows }),
      ...(sqlState ? { sqlState } : {}),
    },
    { cause: scrubCause(error, url) },
  );
}

function passwordOf(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

function scrub(text: string, url: string): string {
  const password = passwordOf(url);
  let out = password ? text.split(password).join('***') : text;
  if (out.includes(url)) out = out.split(url).join(redactPostgresUrl(url));
  return out;
}

/** The cause kept on the error: the original, unless its message would leak the password. */
function scrubCause(error: unknown, url: string): unknown {
  const password = passwordOf(url);
  if (!password || !(error instanceof Error)) return error;
  if (!error.message.includes(password) && !(error.stack ?? '').includes(password)) return error;
  return new Error(scrub(error.message, url));
}
