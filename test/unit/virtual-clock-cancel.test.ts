import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

describe('VirtualClock.clearTimeout', () => {
  it('prevents a cleared timer from firing', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('a'), 10);
    const b = clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('c'), 30);
    clock.clearTimeout(b);
    await clock.runAll();
    expect(fired).toEqual(['a', 'c']);
    expect(clock.now()).toBe(30);
  });

  it('counts only live timers in pending', async () => {
    const clock = new VirtualClock();
    expect(clock.pending).toBe(0);
    const a = clock.setTimeout(() => {}, 10);
    clock.setTimeout(() => {}, 20);
    const c = clock.setTimeout(() => {}, 30);
    expect(clock.pending).toBe(3);
    clock.clearTimeout(a);
    expect(clock.pending).toBe(2);
    clock.clearTimeout(a); // clearing twice changes nothing
    expect(clock.pending).toBe(2);
    await clock.advance(20);
    expect(clock.pending).toBe(1);
    clock.clearTimeout(c);
    expect(clock.pending).toBe(0);
    await clock.runAll();
    expect(clock.pending).toBe(0);
    expect(clock.now()).toBe(20);
  });

  it('ignores undefined', () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => {}, 10);
    clock.clearTimeout(undefined);
    expect(clock.pending).toBe(1);
  });

  it('lets a timer callback cancel a later timer', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const later = clock.setTimeout(() => fired.push('later'), 20);
    clock.setTimeout(() => {
      fired.push('first');
      clock.clearTimeout(later);
    }, 10);
    await clock.runAll();
    expect(fired).toEqual(['first']);
    expect(clock.pending).toBe(0);
  });

  // Regression: a fired timer cleared afterwards must not be counted a second time.
  it('leaves pending unchanged when clearing a timer that already fired', async () => {
    const clock = new VirtualClock();
    const done = clock.setTimeout(() => {}, 10);
    await clock.runAll();
    clock.clearTimeout(done);
    expect(clock.pending).toBe(0);
  });
});
