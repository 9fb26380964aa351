import { describe, expect, it } from 'vitest';
import { RealClock, realClock } from '../../src/time/real-clock.js';

/** Wait `ms` of real time through the clock under test. */
const wait = (clock: RealClock, ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

describe('RealClock', () => {
  it('gives epoch milliseconds from now()', () => {
    const before = Date.now();
    const now = realClock.now();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before - 5);
    expect(now).toBeLessThanOrEqual(after + 5);
  });

  it('never fires a 20 ms timer before now() says 20 ms have passed (30 timers in parallel)', async () => {
    const clock = new RealClock();
    const ms = 20;
    const elapsed = await Promise.all(
      Array.from({ length: 30 }, () => {
        const start = clock.now();
        return new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now() - start), ms));
      }),
    );
    for (const e of elapsed) {
      expect(e).toBeGreaterThanOrEqual(ms);
      expect(e).toBeLessThan(2_000);
    }
  });

  it('never fires early for a spread of short delays', async () => {
    const clock = new RealClock();
    const delays = Array.from({ length: 30 }, (_, i) => i + 1);
    const results = await Promise.all(
      delays.map((ms) => {
        const start = clock.now();
        return new Promise<[number, number]>((resolve) => clock.setTimeout(() => resolve([ms, clock.now() - start]), ms));
      }),
    );
    for (const [ms, e] of results) {
      expect(e).toBeGreaterThanOrEqual(ms);
      expect(e).toBeLessThan(2_000);
    }
  });

  it('cancels a timer with clearTimeout', async () => {
    const clock = new RealClock();
    let fired = false;
    const timer = clock.setTimeout(() => (fired = true), 20);
    clock.clearTimeout(timer);
    await wait(clock, 60);
    expect(fired).toBe(false);
  });

  it('ignores clearTimeout(undefined)', () => {
    expect(() => realClock.clearTimeout(undefined)).not.toThrow();
  });
});
