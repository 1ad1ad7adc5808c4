/**
 * Ctrl-C and `kill`: the first SIGINT or SIGTERM aborts the running work through an `AbortSignal`, so the
 * command can flush what it wrote and say what is missing; a second one exits at once.
 *
 * @module
 */

/** Options of {@link trapInterrupts}. */
export type TrapOptions = {
  /** Called once, on the first signal (e.g. to print "stopping..."). @default undefined */
  onFirst?: (signal: NodeJS.Signals) => void;
  /** Exits the process on a second signal. @default (code) => process.exit(code) */
  exit?: (code: number) => void;
};

/** A trap installed by {@link trapInterrupts}. */
export type InterruptTrap = {
  /** Aborted by the first SIGINT/SIGTERM; its `reason` is the signal name. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** A promise that settles with the first signal received. */
  readonly next: Promise<NodeJS.Signals>;
  /** Removes the handlers. Idempotent. */
  dispose(): void;
};

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Installs SIGINT/SIGTERM handlers for the duration of a command. */
export function trapInterrupts(options: TrapOptions = {}): InterruptTrap {
  const controller = new AbortController();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let received: NodeJS.Signals | undefined;
  let resolveNext!: (s: NodeJS.Signals) => void;
  const next = new Promise<NodeJS.Signals>((resolve) => {
    resolveNext = resolve;
  });
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      exit(signal === 'SIGTERM' ? 143 : 130);
      return;
    }
    received = signal;
    options.onFirst?.(signal);
    controller.abort(signal);
    resolveNext(signal);
  };
  for (const s of SIGNALS) process.on(s, handler);
  let disposed = false;
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    next,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
