/** Loads a recorded exchange payload from `test/fixtures/<exchange>/<name>.json`. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The fixture's raw text. */
export function fixtureText(exchange: string, name: string): string {
  return readFileSync(join(root, exchange, `${name}.json`), 'utf8');
}

/** The fixture, parsed. */
export function fixture(exchange: string, name: string): unknown {
  return JSON.parse(fixtureText(exchange, name)) as unknown;
}
