/**
 * A simulated clock for tests and plans: time moves only when told to. Due timers fire in
 * order of due time (then of creation), and promise continuations run between two timers,
 * so a chain of timers set by promise callbacks fires exactly when it should.
 */
import type { Clock } from '../../machines/clock.js';
import { MinHeap } from '../../machines/heap.js';

interface VirtualTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers = new MinHeap<VirtualTimer>();
  #live = 0;
  readonly #listeners = new Set<() => void>();

  /** `start`: the time `now()` gives first (default 0). */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.#live;
  }

  /** Calls `fn` once the clock has been advanced `ms` past now. */
  setTimeout(fn: () => void, ms: number): VirtualTimer {
    const timer: VirtualTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    this.#live++;
    for (const listener of [...this.#listeners]) listener();
    return timer;
  }

  /** Be told each time a timer is set (a test driver waiting for something to wait for). Returns the unsubscribe function. */
  onTimer(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cancels a timer that `setTimeout` returned; a fired or cancelled one is ignored. */
  clearTimeout(id: unknown): void {
    const timer = id as VirtualTimer | undefined;
    if (timer && !timer.cancelled) {
      timer.cancelled = true;
      this.#live--;
    }
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await this.#run(until);
    this.#now = Math.max(this.#now, until);
    await settle();
  }

  /**
   * Fire timers until none is left (timers set meanwhile included). `limit` guards against a
   * timer that re-arms itself forever.
   */
  async runAll(limit = 10_000_000): Promise<void> {
    await this.#run(Infinity, limit);
  }

  async #run(until: number, limit = Infinity): Promise<void> {
    let fired = 0;
    for (;;) {
      await settle();
      const next = this.#nextTimer();
      if (!next || next.at > until) return;
      if (fired++ >= limit) throw new Error(`VirtualClock.runAll: more than ${limit} timers fired; a timer re-arms itself forever?`);
      this.#timers.pop();
      this.#live--;
      next.cancelled = true; // fired: a later clearTimeout must not count it again
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
  }

  #nextTimer(): VirtualTimer | undefined {
    let next = this.#timers.peek();
    while (next?.cancelled) {
      this.#timers.pop();
      next = this.#timers.peek();
    }
    return next;
  }
}
