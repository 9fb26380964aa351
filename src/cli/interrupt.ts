/**
 * Ctrl-C while a run goes on: the first SIGINT (or SIGTERM) says so on `log` and aborts
 * `signal` (the run releases everything); a second one exits at once with code 130 (the exit
 * hook still kills every process group).
 */
import { ExitCode } from './exit-codes.js';

export interface Interrupt {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** Stop listening. */
  stop: () => void;
}

/** `doing`: what the first signal starts, as the message says it. */
export function listenForInterrupt(log: NodeJS.WritableStream, doing = 'releasing every resource'): Interrupt {
  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log.write(`\n${signal}: ${doing} (press Ctrl-C again to force the exit)\n`);
      interrupt.abort(signal); // the run records it as interrupted by SIGINT or SIGTERM
    } else {
      process.exit(ExitCode.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: interrupt.signal,
    stop: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
