/**
 * Mutation checks of the property tests: a controller whose delays fire 1 ms early, or 1 ms
 * late, must be caught. The mutant is made with a clock wrapper given to the controller (its
 * timers, and the dummies' steps, all go through it).
 *
 * A clock that merely fires timers early does not make the controller act early: it checks
 * each deadline against `now()` and re-arms the rest (with such a clock it re-arms for 1 ms,
 * which fires at once, forever). The early mutant's clock therefore also says, while a timer
 * it fired early runs, that the due time has come: the controller then behaves as one that
 * trusts its timer and fires the delay 1 ms early.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/index.js';
import type { VirtualClock } from '../../src/testing/index.js';
import { experimentSeed, interpret, type Experiment } from './experiment.js';
import { verify } from './harness.js';

/**
 * Timers of 2 ms or more fire 1 ms before due; while one runs, `now()` says it is due. (A
 * 1 ms timer is left alone: the controller re-arms for 1 ms when two deadlines are 1 ms
 * apart, and moving that one too would fire it at once, forever.)
 */
function early(clock: VirtualClock): Clock {
  let ahead = 0;
  return {
    now: () => clock.now() + ahead,
    setTimeout: (fn, ms) =>
      ms < 2
        ? clock.setTimeout(fn, ms)
        : clock.setTimeout(() => {
            ahead = 1;
            try {
              fn();
            } finally {
              ahead = 0;
            }
          }, ms - 1),
    clearTimeout: (id) => clock.clearTimeout(id),
  };
}

/** Timers fire 1 ms after due. */
function late(clock: VirtualClock): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms + 1),
    clearTimeout: (id) => clock.clearTimeout(id),
  };
}

/**
 * What fast-check finds against a controller on `clock`, looking at the violations of one
 * property only (`early`, `timing`...): the shrunk violations.
 */
async function counterExample(wrapClock: (clock: VirtualClock) => Clock, property: string): Promise<string> {
  const result = await fc.check(
    fc.asyncProperty(experimentSeed({ maxNodes: 10, maxApps: 50, maxConditions: 40, failOneIn: 25 }), async (seed) => {
      const violations = (await verify(interpret(seed), { wrapClock })).violations.filter((v) => v.startsWith(`${property}: `));
      if (violations.length > 0) throw new Error(violations.join('\n'));
    }),
    { numRuns: 200 },
  );
  expect(result.failed).toBe(true);
  const message = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  console.log(`caught after ${result.numRuns} experiment(s), shrunk ${result.numShrinks} time(s):\n${message}\n${JSON.stringify(result.counterexample)}`);
  return message;
}

const twoNodes: Experiment = {
  rms: [
    { name: 'a', kind: 'node', group: 0, times: { discover: 0, provision: 0, deploy: 0, start: 0, stop: 0, release: 0 }, failAt: 'none', critical: true },
    { name: 'b', kind: 'node', group: 0, times: { discover: 0, provision: 0, deploy: 0, start: 0, stop: 0, release: 0 }, failAt: 'none', critical: true },
  ],
  conditions: [{ target: 'b', action: 'START', members: ['a'], state: 'STARTED', delay: 5000 }],
  waitAllReady: true,
};

describe('mutation: a controller whose delays are off by 1 ms', () => {
  it('is caught by "no action before its due time" when delays fire 1 ms early', async () => {
    const { violations } = await verify(twoNodes, { wrapClock: early });
    expect(violations).toContain('early: START sent to b at 4999, before its condition (a STARTED + 5000 ms) held at 5000');
    expect(await counterExample(early, 'early')).toMatch(/^early: /);
  });

  it('is caught by the reference model when delays fire 1 ms late', async () => {
    const { violations } = await verify(twoNodes, { wrapClock: late });
    expect(violations).toContain('timing: START sent to b at 5001, the reference says 5000');
    expect(await counterExample(late, 'timing')).toMatch(/^timing: /);
  });

  it('finds nothing to say against the real thing', async () => {
    expect((await verify(twoNodes)).violations).toEqual([]);
  });
});
