import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../src/backends/linux/transport/ssh/semaphore.js';

describe('Semaphore (sessions per host)', () => {
  it('lets at most limit holders in at once, the others in order as places free up', async () => {
    const sessions = new Semaphore(2);
    const order: string[] = [];
    const holders = ['a', 'b', 'c', 'd'].map(async (name) => {
      const release = await sessions.acquire();
      order.push(`${name} in (${sessions.active})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push(`${name} out`);
      release();
      release(); // a second call gives nothing back twice
    });
    await Promise.all(holders);
    expect(sessions.peak).toBe(2);
    expect(sessions.active).toBe(0);
    expect(order.slice(0, 2)).toEqual(['a in (2)', 'b in (2)']);
    expect(order.indexOf('c in (2)')).toBeGreaterThan(order.indexOf('a out'));
  });

  it('drops a waiter whose signal aborts, and refuses a bad limit', async () => {
    const sessions = new Semaphore(1);
    const release = await sessions.acquire();
    const controller = new AbortController();
    const waiting = sessions.acquire(controller.signal);
    controller.abort(new Error('released'));
    await expect(waiting).rejects.toThrow('released');
    release();
    const again = await sessions.acquire();
    expect(sessions.active).toBe(1);
    again();
    expect(() => new Semaphore(0)).toThrow('Expected `limit` to be a positive integer, got `0`');
  });
});
