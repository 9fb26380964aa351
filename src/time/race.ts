/**
 * Racing a promise: against a timer (`within`) or against an AbortSignal (`untilAborted`).
 * The timer or the listener is always removed once the race is decided.
 */
import type { Clock } from '../../machines/clock.js';
import { realClock } from './real-clock.js';

export type Within<T> = { readonly settled: true; readonly value: T } | { readonly settled: false };

/**
 * Wait for `promise` at most `ms` (on `clock`, real time by default): its value when it
 * resolved in time, `{ settled: false }` when the time ran out first (the promise goes on).
 * A rejection in time rejects.
 */
export function within<T>(promise: Promise<T>, ms: number, clock: Clock = realClock): Promise<Within<T>> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve({ settled: false }), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve({ settled: true, value });
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts (the promise goes on). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
