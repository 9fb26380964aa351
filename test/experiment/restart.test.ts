/**
 * Restart (NEPI starts a resource from READY or STOPPED): `ec.start` on a STOPPED resource
 * whose type is restartable runs its start and run again; the index takes it back to READY,
 * so what waits for its later states waits for the second run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidActionError } from '../../src/errors.js';
import { ExperimentController, type ResourceStateEvent } from '../../src/index.js';
import { parseEventLog } from '../../src/run/event-log.js';
import { VirtualClock } from '../../src/testing/index.js';
import { buildTimeline, timelineRows } from '../../src/timeline/model.js';
import { nodeWithApps, virtualExperiment } from '../helpers.js';

describe('restart', () => {
  it('starts a STOPPED application again, and waits and conditions see the second run', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { startTime: '100ms' });
    const [app, follower] = apps as [string, string];
    // the follower stops 1 s after app STOPPED: the first stop counts (it held then)
    ec.registerCondition(follower, 'STOP', app, 'STOPPED', '1s');
    const changes: Array<[string, string, number]> = [];
    ec.onStateChange((event: ResourceStateEvent) => changes.push([event.guid, event.to, event.time]));
    ec.deploy();
    await clock.advance(1000);
    ec.stop(app);
    await clock.advance(1000);
    expect(ec.state(app)).toBe('STOPPED');
    let again: number | undefined;
    ec.start(app);
    void ec.wait(app, 'STARTED').then(() => (again = clock.now()));
    let stoppedAgain: number | undefined;
    void ec.wait(app, 'STOPPED').then(() => (stoppedAgain = clock.now()));
    await clock.advance(100);
    expect(ec.state(app)).toBe('STARTED');
    expect(again).toBe(2100);
    expect(stoppedAgain).toBeUndefined();
    await clock.advance(400);
    ec.stop(app);
    await clock.advance(0);
    expect(stoppedAgain).toBe(2500);
    expect(changes.filter(([guid]) => guid === app).map(([, to, time]) => `${to}@${time}`)).toEqual([
      'DISCOVERED@0',
      'PROVISIONED@0',
      'READY@0',
      'STARTED@100',
      'STOPPED@1000',
      'STARTED@2100',
      'STOPPED@2500',
    ]);
    // the first STOPPED held the follower's condition: it stopped 1 s after it, once
    expect(changes.filter(([guid, to]) => guid === follower && to === 'STOPPED')).toEqual([[follower, 'STOPPED', 2000]]);
    // times keep the first entry of each state
    expect(ec.getResource(app).times.STARTED).toBe(100);
    await ec.release();
  });

  it('applies the START conditions again (held ones still hold) and the new start step', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { startTime: '50ms' });
    const [server, client] = apps as [string, string];
    ec.registerCondition(client, 'START', server, 'STARTED', '2s');
    ec.deploy();
    await clock.advance(2100);
    expect(ec.getResource(client).times.STARTED).toBe(2100);
    ec.stop(client);
    await clock.advance(100);
    ec.start(client);
    // the condition held at 2050 (server STARTED at 50 + 2 s): the restart waits only for its start step
    await clock.advance(49);
    expect(ec.state(client)).not.toBe('STARTED');
    await clock.advance(1);
    expect(ec.state(client)).toBe('STARTED');
    await ec.release();
  });

  it('records both runs: the timeline draws two STARTED bars', async () => {
    const localDir = mkdtempSync(join(tmpdir(), 'nepi-restart-'));
    try {
      const clock = new VirtualClock();
      const ec = new ExperimentController({ clock, localDir, expId: 'restart' });
      const { apps } = nodeWithApps(ec, 1);
      const [app] = apps as [string];
      ec.deploy();
      await clock.advance(1000);
      ec.stop(app);
      await clock.advance(1000);
      ec.start(app);
      await clock.advance(1000);
      const shutdown = ec.shutdown();
      await clock.runAll();
      await shutdown;
      const log = parseEventLog(readFileSync(join(ec.runDir, 'events.ndjson'), 'utf8'));
      const row = timelineRows(buildTimeline(log)).find((r) => r.guid === app)!;
      expect(row.bars.map((bar) => `${bar.state}@${bar.start}`)).toEqual([
        'DISCOVERED@0',
        'PROVISIONED@0',
        'READY@0',
        'STARTED@0',
        'STOPPED@1000',
        'STARTED@2000',
        'RELEASED@3000',
      ]);
    } finally {
      rmSync(localDir, { recursive: true, force: true });
    }
  });

  it('refuses to start again a resource whose type cannot restart, naming it', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node');
    const other = ec.registerResource('dummy::Node');
    const link = ec.registerResource('dummy::Link');
    ec.registerConnection(node, link);
    ec.registerConnection(other, link);
    ec.deploy();
    await clock.advance(10);
    ec.stop(link);
    await clock.advance(10);
    expect(ec.state(link)).toBe('STOPPED');
    expect(() => ec.start(link)).toThrow(InvalidActionError);
    expect(() => ec.start(link)).toThrow(`cannot start '${link}' again: it is STOPPED, and a dummy::Link cannot restart`);
    await ec.release();
  });
});
