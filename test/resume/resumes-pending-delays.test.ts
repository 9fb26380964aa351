import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { enteredAt, records, resumeAndFinish, runAndCrash, tempRuns } from './support.js';

let runs: ReturnType<typeof tempRuns>;
beforeEach(() => {
  runs = tempRuns();
});
afterEach(() => runs.cleanup());

/** node; a1 runs 5 s; a2 starts 3 s after a1 STARTED and runs 1 s. */
function build(ec: ExperimentController): void {
  const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
  ec.registerResource('dummy::Application', { runTime: '5s' }, { name: 'a1' });
  ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'a2' });
  ec.registerConnection(node, 'a1');
  ec.registerConnection(node, 'a2');
  ec.registerCondition('a2', 'START', 'a1', 'STARTED', '3s');
}

describe('resume re-arms pending delays from their original reference times', () => {
  it('starts a delayed resource when its delay ends, not a delay after the resume', async () => {
    const crash = await runAndCrash(runs.localDir, build, 1000);
    expect(enteredAt(crash.runDir, 'a1', 'STARTED')).toBe(0);
    expect(enteredAt(crash.runDir, 'a2', 'STARTED')).toBeUndefined();

    const { ec } = await resumeAndFinish(crash.runDir, 2000);

    expect(enteredAt(crash.runDir, 'a2', 'STARTED')).toBe(3000);
    expect(enteredAt(crash.runDir, 'a2', 'FINISHED')).toBe(4000);
    // a1 goes on for what was left of its 5 s, counted from its recorded start
    expect(enteredAt(crash.runDir, 'a1', 'FINISHED')).toBe(5000);
    expect(ec.status).toBe('released');
    const summary = JSON.parse(readFileSync(join(crash.runDir, 'summary.json'), 'utf8')) as {
      status: string;
      resources: Record<string, { state: string; times: Record<string, number> }>;
    };
    expect(summary.status).toBe('released');
    expect(Object.values(summary.resources).map((r) => r.state)).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    expect(summary.resources['a1']!.times['STARTED']).toBe(0);
    // the summary spans the whole run, from its first recorded event
    expect((summary as unknown as { startedAt: string }).startedAt).toBe(records(crash.runDir)[0]!['wall']);
  });

  it('fires a delay that ended while no controller ran as soon as it resumes', async () => {
    const crash = await runAndCrash(runs.localDir, build, 1000);
    await resumeAndFinish(crash.runDir, 3500);
    expect(enteredAt(crash.runDir, 'a2', 'STARTED')).toBe(3500);
    expect(enteredAt(crash.runDir, 'a1', 'FINISHED')).toBe(5000);
  });

  it('records what ended while no controller ran at the time it was seen', async () => {
    const crash = await runAndCrash(runs.localDir, build, 1000);
    await resumeAndFinish(crash.runDir, 7000);
    expect(enteredAt(crash.runDir, 'a1', 'FINISHED')).toBe(7000);
    expect(enteredAt(crash.runDir, 'a2', 'STARTED')).toBe(7000);
  });

  it('appends a resume marker and writes no recorded state change twice', async () => {
    const crash = await runAndCrash(runs.localDir, build, 1000);
    const before = records(crash.runDir).length;
    await resumeAndFinish(crash.runDir, 2000);
    const all = records(crash.runDir);
    expect(all[before]).toMatchObject({ kind: 'resume', time: 2000, lastRecorded: 0 });
    const changes = all.filter((r) => r['kind'] === undefined).map((r) => `${String(r['guid'])} ${String(r['to'])}`);
    expect(new Set(changes).size).toBe(changes.length);
    // START of a2 went out once, after the resume
    const fired = all.filter((r) => r['kind'] === 'condition' && r['event'] === 'fired');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ guid: 'a2', action: 'START', time: 3000, deadline: 3000 });
  });

  it('refuses a run that ended and a folder that is no run', async () => {
    const crash = await runAndCrash(runs.localDir, build, 1000);
    await resumeAndFinish(crash.runDir, 2000);
    expect(existsSync(join(crash.runDir, 'summary.json'))).toBe(true);
    await expect(resumeAndFinish(crash.runDir, 9000)).rejects.toThrow(/ended .*nothing to resume/);
    await expect(resumeAndFinish(runs.localDir, 0)).rejects.toThrow(/no experiment\.json/);
  });
});

describe('a run can crash and resume more than once', () => {
  it('resumes a resumed run, each delay still measured from its first reference time', async () => {
    const crash = await runAndCrash(runs.localDir, build, 1000);
    // resumed at 1.5 s, killed again at 2.5 s: before a2's deadline (3 s)
    const clock = new VirtualClock(1500);
    const first = await ExperimentController.resume(crash.runDir, { clock });
    void first.run();
    await clock.advance(1000);
    first.actor.stop();
    expect(enteredAt(crash.runDir, 'a2', 'STARTED')).toBeUndefined();

    const { ec } = await resumeAndFinish(crash.runDir, 2800);
    expect(enteredAt(crash.runDir, 'a2', 'STARTED')).toBe(3000);
    expect(enteredAt(crash.runDir, 'a1', 'FINISHED')).toBe(5000);
    expect(
      records(crash.runDir)
        .filter((r) => r['kind'] === 'resume')
        .map((r) => r['time']),
    ).toEqual([1500, 2800]);
    expect(ec.status).toBe('released');
  });
});
