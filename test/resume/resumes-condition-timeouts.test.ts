import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentController } from '../../src/index.js';
import { enteredAt, records, resumeAndFinish, runAndCrash, tempRuns } from './support.js';

let runs: ReturnType<typeof tempRuns>;
beforeEach(() => {
  runs = tempRuns();
});
afterEach(() => runs.cleanup());

/** a starts after 10 s; b starts 1 s after a STARTED, but waits 3 s at most. */
const build = (onTimeout: 'fail' | 'skip') => (ec: ExperimentController) => {
  ec.registerResource('dummy::Node', { startTime: '10s' }, { name: 'a' });
  ec.registerResource('dummy::Node', { critical: false }, { name: 'b' });
  ec.registerCondition('b', 'START', 'a', 'STARTED', '1s', { timeout: '3s', onTimeout });
};

describe('resume keeps condition timeouts on their original clock', () => {
  it('expires a pending condition timeout when it would have without the crash (onTimeout: fail)', async () => {
    const crash = await runAndCrash(runs.localDir, build('fail'), 2000);
    expect(enteredAt(crash.runDir, 'b', 'READY')).toBe(0);
    const { ec } = await resumeAndFinish(crash.runDir, 2500);
    // b was READY and asked to start at 0: its 3 s ran out at 3000, not 3 s after the resume
    expect(enteredAt(crash.runDir, 'b', 'FAILED')).toBe(3000);
    expect(records(crash.runDir).filter((r) => r['event'] === 'timeout')).toMatchObject([{ guid: 'b', time: 3000 }]);
    expect(ec.failures.map((f) => [f.guid, f.step])).toEqual([['b', 'start']]);
  });

  it('expires at once a condition timeout that ran out while no controller ran', async () => {
    const crash = await runAndCrash(runs.localDir, build('fail'), 2000);
    await resumeAndFinish(crash.runDir, 5000);
    expect(enteredAt(crash.runDir, 'b', 'FAILED')).toBe(5000);
  });

  it('does not wait a new timeout for a condition skipped before the crash (onTimeout: skip)', async () => {
    // b's condition is skipped at 3000; b then starts, which takes 2 s: the crash comes at 4000
    const crash = await runAndCrash(
      runs.localDir,
      (ec) => {
        build('skip')(ec);
        ec.set('b', 'startTime', '2s');
      },
      4000,
    );
    expect(records(crash.runDir).filter((r) => r['event'] === 'skipped')).toMatchObject([{ guid: 'b', time: 3000 }]);
    expect(enteredAt(crash.runDir, 'b', 'STARTED')).toBeUndefined();
    await resumeAndFinish(crash.runDir, 4500);
    // its start runs again at the resume (not 3 s later, nor once a is STARTED at 10 s)
    expect(enteredAt(crash.runDir, 'b', 'STARTED')).toBe(6500);
  });
});
