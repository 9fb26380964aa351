/**
 * A run whose controller died after a restart, or after a SET, resumes: the replay takes the
 * second STARTED as a restart (the index goes back to READY first, as the live run did), and
 * the resource goes on from its recorded state.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateRank } from '../../machines/lifecycle.js';
import { ExperimentController } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { records, tempRuns } from './support.js';

let runs: ReturnType<typeof tempRuns>;
beforeEach(() => {
  runs = tempRuns();
});
afterEach(() => runs.cleanup());

describe('resume after a restart or a SET', () => {
  it('replays a restart: the second run goes on and its end is recorded once', async () => {
    const clock = new VirtualClock();
    const ec = new ExperimentController({ clock, localDir: runs.localDir, expId: 'crash' });
    ec.registerResource('dummy::Node', {}, { name: 'node' });
    ec.registerResource('dummy::Application', { runTime: '10s' }, { name: 'app' });
    ec.registerConnection('node', 'app');
    ec.deploy();
    await clock.advance(1000);
    ec.stop('app');
    await clock.advance(1000);
    ec.start('app');
    await clock.advance(1000);
    ec.actor.stop();

    const resumedClock = new VirtualClock(4000);
    const resumed = await ExperimentController.resume(ec.runDir, { clock: resumedClock });
    const index = resumed.actor.getSnapshot().context.index;
    // replayed as the live run went: STARTED, STOPPED, then READY again and STARTED
    expect(index.get('app').rank).toBe(stateRank('STARTED'));
    expect(resumed.state('app')).toBe('STARTED');
    let stoppedAgain = false;
    void resumed.wait('app', 'FINISHED').then(() => (stoppedAgain = true));
    const done = resumed.run();
    await resumedClock.runAll();
    const summary = await done;
    expect(summary.status).toBe('released');
    expect(stoppedAgain).toBe(true);
    const appRecords = records(ec.runDir).filter((r) => r['kind'] === undefined && r['guid'] === 'app');
    expect(appRecords.map((r) => r['to'])).toEqual(['DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'STOPPED', 'STARTED', 'FINISHED', 'RELEASED']);
  });

  it('keeps the changes a SET made before the crash recorded, and the run goes on', async () => {
    const clock = new VirtualClock();
    const ec = new ExperimentController({ clock, localDir: runs.localDir, expId: 'crash' });
    ec.registerResource('dummy::Node', {}, { name: 'node' });
    ec.registerResource('dummy::Application', { runTime: '5s', rate: '1mbit' }, { name: 'app' });
    ec.registerConnection('node', 'app');
    ec.setWithConditions('app', 'rate', '2mbit', 'app', 'STARTED', '1s');
    ec.deploy();
    await clock.advance(2000);
    ec.actor.stop();
    expect(records(ec.runDir).filter((r) => r['kind'] === 'change')).toMatchObject([{ guid: 'app', attribute: 'rate', value: '2mbit', time: 1000 }]);

    const resumedClock = new VirtualClock(3000);
    const resumed = await ExperimentController.resume(ec.runDir, { clock: resumedClock });
    const done = resumed.run();
    await resumedClock.runAll();
    expect((await done).status).toBe('released');
    expect(resumed.state('app')).toBe('RELEASED');
  });
});
