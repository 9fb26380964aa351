import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

describe('VirtualClock ordering', () => {
  it('starts now() at 0 by default', () => {
    expect(new VirtualClock().now()).toBe(0);
  });

  it('starts now() at the given start time', () => {
    expect(new VirtualClock(5_000).now()).toBe(5_000);
  });

  it('fires timers in order of due time, whatever order they were set in', async () => {
    const clock = new VirtualClock();
    const fired: Array<[string, number]> = [];
    for (const [name, ms] of [
      ['c', 300],
      ['a', 100],
      ['d', 400],
      ['b', 200],
    ] as const) {
      clock.setTimeout(() => fired.push([name, clock.now()]), ms);
    }
    await clock.runAll();
    expect(fired).toEqual([
      ['a', 100],
      ['b', 200],
      ['c', 300],
      ['d', 400],
    ]);
  });

  it('fires timers with equal due times in creation order', async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    for (let i = 0; i < 20; i++) clock.setTimeout(() => fired.push(i), 50);
    await clock.runAll();
    expect(fired).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('treats a negative delay as zero', async () => {
    const clock = new VirtualClock(1_000);
    let at = -1;
    clock.setTimeout(() => (at = clock.now()), -50);
    await clock.runAll();
    expect(at).toBe(1_000);
  });

  it('fires 100,000 timers in order and ends at the last due time', async () => {
    const clock = new VirtualClock();
    const count = 100_000;
    let fired = 0;
    let inOrder = true;
    let lastAt = -1;
    // due times descend with creation, spread with duplicates: (i * 7919) % count
    for (let i = 0; i < count; i++) {
      const ms = (i * 7_919) % count;
      clock.setTimeout(() => {
        const now = clock.now();
        if (now !== ms || now < lastAt) inOrder = false;
        lastAt = now;
        fired++;
      }, ms);
    }
    expect(clock.pending).toBe(count);
    await clock.runAll();
    expect(fired).toBe(count);
    expect(inOrder).toBe(true);
    expect(clock.now()).toBe(count - 1);
    expect(clock.pending).toBe(0);
  }, 30_000);
});
