/**
 * Runs a simulator in its own process for the download benchmark, as a real exchange runs on its own
 * machine: the client under test then has the event loop (and a core) to itself, and the simulator's CPU
 * per page does not count against the client. `startSimProcess(options)` resolves with the URL and asks
 * the child for stats and ground truth over IPC.
 *
 * The child is this same file run with `--child`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type SimStats, type SimulatorOptions, startSimulator } from '../../src/sim/index.js';

type Request =
  | { id: number; op: 'stats' }
  | { id: number; op: 'tradeCount'; symbol: string; startNs: string; endNs: string }
  | { id: number; op: 'close' };

/** A simulator running in a child process. */
export type SimProcess = {
  url: string;
  stats(): Promise<SimStats>;
  /** Ground truth: trades of `symbol` in `[startNs, endNs)`. */
  tradeCount(symbol: string, startNs: bigint, endNs: bigint): Promise<number>;
  close(): Promise<void>;
};

type Options = Omit<SimulatorOptions, 'now'> & { now?: string };

/** Starts a simulator in a child process (bigints of `options` passed as strings). */
export async function startSimProcess(options: SimulatorOptions): Promise<SimProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone: the options' bigints (e.g. `prerender` ranges) pass as they are.
    serialization: 'advanced',
  });
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { id?: number; url?: string; value?: unknown }) => {
      if (m.url !== undefined) resolve(m.url);
      else if (m.id !== undefined) {
        pending.get(m.id)?.(m.value);
        pending.delete(m.id);
      }
    });
    const o: Options = { ...options, now: options.now === undefined ? undefined : String(options.now) };
    child.send({ start: o });
  });
  const ask = <T>(req: Omit<Request, 'id'>): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (v: unknown) => void);
      child.send({ ...req, id });
    });
  return {
    url,
    stats: () => ask<SimStats>({ op: 'stats' }),
    tradeCount: (symbol, startNs, endNs) =>
      ask<number>({ op: 'tradeCount', symbol, startNs: String(startNs), endNs: String(endNs) } as Omit<
        Request,
        'id'
      >),
    close: async () => {
      await ask({ op: 'close' });
      await new Promise<void>((r) => (child.exitCode === null ? child.once('exit', () => r()) : r()));
    },
  };
}

if (process.argv.includes('--child')) {
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  // A benchmark that dies without closing its simulator must not leave this process behind.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (m: { start?: Options } & Partial<Request>) => {
    if (m.start) {
      const { now, ...rest } = m.start;
      sim = await startSimulator({
        ...rest,
        ...(now === undefined ? {} : { now: now === 'real' ? 'real' : BigInt(now) }),
      } as SimulatorOptions);
      process.send?.({ url: sim.url });
      return;
    }
    if (!sim || m.id === undefined) return;
    if (m.op === 'stats') process.send?.({ id: m.id, value: sim.stats() });
    else if (m.op === 'tradeCount') {
      const r = m as { symbol: string; startNs: string; endNs: string };
      const n = sim.truth.trades(r.symbol, BigInt(r.startNs), BigInt(r.endNs)).length;
      process.send?.({ id: m.id, value: n });
    } else if (m.op === 'close') {
      await sim.close();
      process.send?.({ id: m.id, value: true }, () => process.exit(0));
    }
  });
}
