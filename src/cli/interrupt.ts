// Ctrl-C (and SIGTERM) as an AbortSignal for long commands: the first signal asks the work
// to stop at its next safe point; a second one exits at once. `release()` restores the
// default behaviour.

export interface Interrupt {
  signal: AbortSignal;
  /** The signal that arrived ("SIGINT", "SIGTERM"), or "". */
  received(): string;
  /** Conventional exit code for it: 130 for SIGINT, 143 for SIGTERM. */
  exitCode(): number;
  release(): void;
}

export function interruptible(signals: NodeJS.Signals[] = ['SIGINT']): Interrupt {
  const abort = new AbortController();
  let got = '';
  const handlers = signals.map((name) => {
    const h = () => {
      if (abort.signal.aborted) process.exit(name === 'SIGTERM' ? 143 : 130);
      got = name;
      abort.abort();
    };
    process.on(name, h);
    return [name, h] as const;
  });
  return {
    signal: abort.signal,
    received: () => got,
    exitCode: () => (got === 'SIGTERM' ? 143 : 130),
    release: () => handlers.forEach(([name, h]) => process.off(name, h)),
  };
}
