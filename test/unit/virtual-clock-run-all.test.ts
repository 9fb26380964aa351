import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

describe('VirtualClock.runAll', () => {
  it('completes a chain of 10 timers set from promise continuations at exactly 1000', async () => {
    const clock = new VirtualClock();
    const times: number[] = [];
    const chain = (async () => {
      for (let i = 0; i < 10; i++) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
        times.push(clock.now());
      }
      return clock.now();
    })();
    await clock.runAll();
    await expect(chain).resolves.toBe(1_000);
    expect(times).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]);
    expect(clock.now()).toBe(1_000);
    expect(clock.pending).toBe(0);
  });

  it('throws when a timer re-arms itself forever', async () => {
    const clock = new VirtualClock();
    let fired = 0;
    const rearm = () => {
      fired++;
      clock.setTimeout(rearm, 1);
    };
    clock.setTimeout(rearm, 1);
    await expect(clock.runAll(100)).rejects.toThrow(/more than 100 timers fired/);
    expect(fired).toBe(100);
  });

  it('allows exactly `limit` timers to fire', async () => {
    const clock = new VirtualClock();
    let fired = 0;
    for (let i = 1; i <= 5; i++) clock.setTimeout(() => fired++, i);
    await expect(clock.runAll(5)).resolves.toBeUndefined();
    expect(fired).toBe(5);
  });

  it('resolves immediately with no timers and leaves the time alone', async () => {
    const clock = new VirtualClock(42);
    await clock.runAll();
    expect(clock.now()).toBe(42);
  });
});
