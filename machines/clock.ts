/**
 * The clock every timer of the engine goes through. Compatible with XState's `Clock`, plus
 * `now()` so that recorded times come from the same source as the timers.
 */
export interface Clock {
  /** Milliseconds; real clocks give epoch time, virtual clocks their own. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns an id for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer that `setTimeout` returned; unknown or fired ids are ignored. */
  clearTimeout(id: unknown): void;
}
