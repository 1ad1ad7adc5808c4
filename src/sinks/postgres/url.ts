/**
 * PostgreSQL connection URLs: checking one given on the command line or to `PostgresSink`, and the form
 * that may appear in messages and logs (the password never does).
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';

/** The URL schemes accepted for a PostgreSQL sink. */
export const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'] as const;

/** True when `value` looks like a PostgreSQL URL (`postgres://` or `postgresql://`). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * Checks a PostgreSQL URL and returns it unchanged. `argument` names the option in the error.
 *
 * @throws ValidationError for anything but `postgres[ql]://[user[:password]@]host[:port]/database[?...]`;
 *   the value shown in the message is redacted
 */
export function checkPostgresUrl(url: string, argument = 'sink'): string {
  const shown = redactPostgresUrl(url);
  const expectation = 'a PostgreSQL URL such as postgres://user@127.0.0.1:5432/market';
  if (typeof url !== 'string' || !isPostgresUrl(url)) throw new ValidationError(argument, shown, expectation);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(argument, shown, expectation);
  }
  // A URL with only a socket (`?host=/run/postgresql`) has no hostname; node-postgres accepts it.
  if (!parsed.hostname && !parsed.searchParams.has('host')) {
    throw new ValidationError(argument, shown, `${expectation} (a host is missing)`);
  }
  if (parsed.port !== '' && !(Number(parsed.port) > 0 && Number(parsed.port) < 65_536)) {
    throw new ValidationError(argument, shown, `${expectation} (bad port)`);
  }
  return url;
}

/**
 * `url` with its password (and any `password=` parameter) replaced by `***`; the user, host, port and
 * database stay, so a message still says where it went. Safe for errors and logs.
 */
export function redactPostgresUrl(url: string): string {
  if (typeof url !== 'string') return String(url);
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) {
      if (/^(password|passfile|sslpassword|sslkey)$/i.test(name)) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    // Not parseable: cut everything between "://" and "@" and any password parameter.
    return url.replace(/\/\/[^@/]*@/, '//***@').replace(/(password=)[^&]*/gi, '$1***');
  }
}
