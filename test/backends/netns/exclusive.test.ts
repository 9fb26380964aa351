/**
 * One resource's system changes one at a time: a release queued behind a step starts only
 * once every command the step started has ended, even when one of them failed early.
 */
import { describe, expect, it } from 'vitest';
import { allEnded, exclusive } from '../../../src/backends/netns/exclusive.js';

const later = <T>(ms: number, value: T, log: string[], fail = false) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => {
      log.push(`${String(value)} ended`);
      if (fail) reject(new Error(`${String(value)} failed`));
      else resolve(value);
    }, ms),
  );

describe('exclusive', () => {
  it('runs a release after the step before it, and after every command of that step, even one that failed early', async () => {
    const ctx = { data: {} as Record<string, unknown> };
    const log: string[] = [];
    const step = exclusive(ctx, () => allEnded([later(5, 'end 1', log, true), later(60, 'end 2', log)]));
    const release = exclusive(ctx, async () => {
      log.push('release');
    });
    await expect(step).rejects.toThrow('end 1 failed');
    await release;
    expect(log).toEqual(['end 1 ended', 'end 2 ended', 'release']);
  });

  it('rejects with the first error in the order given once all ended, resolves when none failed', async () => {
    const log: string[] = [];
    await expect(allEnded([later(30, 'a', log, true), later(1, 'b', log, true)])).rejects.toThrow('a failed');
    await expect(allEnded([later(1, 'c', log), Promise.resolve()])).resolves.toBeUndefined();
  });
});
