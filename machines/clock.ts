/**
 * The clock every timer of the engine goes through. Compatible with XState's `Clock`, plus
 * `now()` so that recorded times come from the same source as the timers.
 */
export interface Clock {
  /** Milliseconds; real clocks give epoch time, virtual clocks their own. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}
