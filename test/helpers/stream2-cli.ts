/**
 * Ground truth for the CLI's live commands: the market a `--sim` child runs (seed, history from two days
 * before the clock), rebuilt in this process with a fixed clock an hour later.
 */
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { SIM_NOW } from './cli-run.js';

/** The truth of the simulator `tickwire ... --sim --seed <seed>` runs, as of an hour after its clock start. */
export async function liveTruthOf(
  exchange: RunningSimulator['exchange'],
  seed = 1,
): Promise<RunningSimulator['truth']> {
  const sim = await startSimulator({
    exchange,
    seed,
    now: SIM_NOW + 3_600_000_000_000n,
    markets: { historyStart: SIM_NOW - 2n * 86_400_000_000_000n },
    rateLimits: 'off',
  });
  await sim.close();
  return sim.truth;
}

/** True when `text` holds a control character other than newline. */
export function hasControlChars(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  return /[\u0000-\u0009\u000b-\u001f\u007f]/.test(text);
}

/** The JSON lines of `text` (every line must be complete JSON). */
export function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}
