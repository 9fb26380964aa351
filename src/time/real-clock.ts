/**
 * The wall clock. A timer never fires before its due time by `now()`: Node's setTimeout can
 * fire up to about a millisecond early, and such a timer is re-armed for the rest.
 */
import type { Clock } from '../../machines/clock.js';

const MAX_DELAY = 2 ** 31 - 1;

interface Timer {
  handle: NodeJS.Timeout;
}

export class RealClock implements Clock {
  now(): number {
    return performance.timeOrigin + performance.now();
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const due = this.now() + Math.max(0, ms);
    const timer: Timer = { handle: undefined as unknown as NodeJS.Timeout };
    const arm = (delay: number) => {
      // Node fires a delay beyond 2^31-1 ms after 1 ms: wait the longest it takes, then re-arm
      timer.handle = setTimeout(
        () => {
          const left = due - this.now();
          if (left > 0) arm(Math.ceil(left));
          else fn();
        },
        Math.min(delay, MAX_DELAY),
      );
    };
    arm(Math.max(0, ms));
    return timer;
  }

  clearTimeout(id: unknown): void {
    const timer = id as Timer | undefined;
    if (timer) clearTimeout(timer.handle);
  }
}

/** The wall clock, the controller's default: epoch milliseconds, and timers that never fire early. */
export const realClock = new RealClock();
