import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

describe('VirtualClock.advance', () => {
  it('fires only the timers due within the window and ends at start + ms', async () => {
    const clock = new VirtualClock(1_000);
    const fired: number[] = [];
    for (const ms of [50, 100, 101, 250]) clock.setTimeout(() => fired.push(clock.now()), ms);

    await clock.advance(100);
    expect(fired).toEqual([1_050, 1_100]);
    expect(clock.now()).toBe(1_100);
    expect(clock.pending).toBe(2);

    await clock.advance(1);
    expect(fired).toEqual([1_050, 1_100, 1_101]);
    expect(clock.now()).toBe(1_101);

    await clock.advance(500);
    expect(fired).toEqual([1_050, 1_100, 1_101, 1_250]);
    expect(clock.now()).toBe(1_601);
    expect(clock.pending).toBe(0);
  });

  it('moves time forward even when no timer is pending', async () => {
    const clock = new VirtualClock();
    await clock.advance(12_345);
    expect(clock.now()).toBe(12_345);
  });

  it('fires timers set by a timer callback when they fall inside the window', async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 30);
      clock.setTimeout(() => fired.push(clock.now()), 80);
    }, 10);
    await clock.advance(50);
    expect(fired).toEqual([10, 40]);
    expect(clock.pending).toBe(1);
    await clock.advance(50);
    expect(fired).toEqual([10, 40, 90]);
  });

  it('fires timers set from promise continuations inside the window', async () => {
    const clock = new VirtualClock();
    const times: number[] = [];
    void (async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
        times.push(clock.now());
      }
    })();
    await clock.advance(350);
    expect(times).toEqual([100, 200, 300]);
    expect(clock.now()).toBe(350);
  });
});
