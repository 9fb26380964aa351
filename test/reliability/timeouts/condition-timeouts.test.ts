import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConditionTimeoutError, ExperimentController, type ConditionEvent } from '../../../src/index.js';
import { VirtualClock } from '../../../src/testing/index.js';
import { settle, virtualExperiment } from '../../helpers.js';

/** A controller on a virtual clock with every condition event it reports. */
function experiment(): { ec: ExperimentController; clock: VirtualClock; events: ConditionEvent[] } {
  const { ec, clock } = virtualExperiment();
  const events: ConditionEvent[] = [];
  ec.onCondition((event) => events.push(event));
  return { ec, clock, events };
}

const timeouts = (events: readonly ConditionEvent[]) => events.filter((e) => e.event === 'timeout' || e.event === 'skipped');

describe('condition timeouts', () => {
  it('fails the waiting resource when the group is late (onTimeout: fail)', async () => {
    const { ec, clock, events } = experiment();
    const a = ec.registerResource('dummy::Node', { startTime: '10s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { critical: false }, { name: 'b' });
    ec.registerCondition(b, 'START', a, 'STARTED', '1s', { timeout: '3s', onTimeout: 'fail' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(b)).toBe('FAILED');
    expect(ec.getResource(b).times.FAILED).toBe(3000);
    expect(ec.getResource(b).times.STARTED).toBeUndefined();
    const failure = ec.failures[0]!;
    expect(failure).toMatchObject({ guid: b, step: 'start', time: 3000, critical: false });
    expect(failure.error).toBeInstanceOf(ConditionTimeoutError);
    expect((failure.error as Error).message).toBe("its START condition timed out after 3000 ms: 'a' had not reached STARTED");
    expect(timeouts(events)).toEqual([
      { type: 'condition', event: 'timeout', guid: b, action: 'START', group: [a], state: 'STARTED', delay: 1000, time: 3000, deadline: 3000, timeout: 3000 },
    ]);
    // a is not held back by b's failure
    expect(ec.getResource(a).times.STARTED).toBe(10_000);
    await settle(clock, ec.shutdown());
  });

  it('drops the condition and goes on when the group is late (onTimeout: skip)', async () => {
    const { ec, clock, events } = experiment();
    const a = ec.registerResource('dummy::Node', { startTime: '10s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', {}, { name: 'b' });
    ec.registerCondition(b, 'START', a, 'STARTED', '1s', { timeout: '3s', onTimeout: 'skip' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(b)).toBe('STARTED');
    expect(ec.getResource(b).times.STARTED).toBe(3000);
    expect(ec.failures).toEqual([]);
    expect(timeouts(events)).toMatchObject([{ event: 'skipped', guid: b, action: 'START', time: 3000, timeout: 3000 }]);
    // a skipped condition does not fire later
    expect(events.filter((e) => e.event === 'fired')).toEqual([]);
    await settle(clock, ec.shutdown());
  });

  it('never fires when the condition held in time, even with a delay longer than the timeout', async () => {
    const { ec, clock, events } = experiment();
    const a = ec.registerResource('dummy::Node', { startTime: '2s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', {}, { name: 'b' });
    ec.registerCondition(b, 'START', a, 'STARTED', '5s', { timeout: '3s' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(b)).toBe('STARTED');
    // held at 2 s (before the timeout at 3 s): the delay of 5 s then runs in full
    expect(ec.getResource(b).times.STARTED).toBe(7000);
    expect(timeouts(events)).toEqual([]);
    expect(ec.failures).toEqual([]);
    await settle(clock, ec.shutdown());
  });

  it('starts the clock of a START condition when its resource is READY', async () => {
    const { ec, clock, events } = experiment();
    const a = ec.registerResource('dummy::Node', { startTime: '1h' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { deployTime: '2s' }, { name: 'b' });
    ec.registerCondition(b, 'START', a, 'STARTED', 0, { timeout: '3s', onTimeout: 'skip' });
    ec.deploy(a, { waitAllReady: false });
    ec.deploy(b, { waitAllReady: false });
    await clock.runAll();
    expect(ec.getResource(b).times.READY).toBe(2000);
    expect(ec.getResource(b).times.STARTED).toBe(5000);
    expect(timeouts(events)).toMatchObject([{ event: 'skipped', time: 5000 }]);
    await settle(clock, ec.shutdown());
  });

  it('starts the clock of a STOP condition when its resource STARTED', async () => {
    const { ec, clock } = experiment();
    const a = ec.registerResource('dummy::Node', { runTime: '1h' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { startTime: '4s' }, { name: 'b' });
    ec.registerCondition(b, 'STOP', a, 'FINISHED', 0, { timeout: '10s', onTimeout: 'skip' });
    ec.deploy([a, b], { waitAllReady: false });
    await clock.advance(20_000);
    expect(ec.getResource(b).times.STARTED).toBe(4000);
    expect(ec.getResource(b).times.STOPPED).toBe(14_000);
    const shutdown = ec.shutdown();
    await clock.runAll();
    await shutdown;
  });

  it('starts the clock of a DEPLOY condition at deploy()', async () => {
    const { ec, clock } = experiment();
    const a = ec.registerResource('dummy::Node', { deployTime: '1m' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { critical: false }, { name: 'b' });
    ec.registerCondition(b, 'DEPLOY', a, 'READY', 0, { timeout: '30s' });
    await clock.advance(5000);
    ec.deploy([a, b], { waitAllReady: false });
    await clock.runAll();
    expect(ec.state(b)).toBe('FAILED');
    expect(ec.failures[0]).toMatchObject({ guid: b, step: 'deploy', time: 35_000 });
    await settle(clock, ec.shutdown());
  });

  it('aborts the experiment when the resource that times out is critical', async () => {
    const { ec, clock } = experiment();
    const a = ec.registerResource('dummy::Node', { startTime: '10s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', {}, { name: 'b' });
    ec.registerCondition(b, 'START', a, 'STARTED', 0, { timeout: '1s' });
    ec.deploy();
    const outcome = ec.waitStarted().then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(await settle(clock, outcome)).toBe(
      "experiment aborted: b (dummy::Node) failed at start: its START condition timed out after 1000 ms: 'a' had not reached STARTED",
    );
    expect(ec.status).toBe('aborted');
    await settle(clock, ec.shutdown());
  });

  it('counts each target of a condition on its own, and a skip lets a RELEASE go on', async () => {
    const { ec, clock, events } = experiment();
    const a = ec.registerResource('dummy::Node', { startTime: '10s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { deployTime: '1s' }, { name: 'b' });
    const c = ec.registerResource('dummy::Node', { deployTime: '4s' }, { name: 'c' });
    ec.registerCondition([b, c], 'START', a, 'STARTED', 0, { timeout: '2s', onTimeout: 'skip' });
    ec.deploy([a, b, c], { waitAllReady: false });
    await clock.advance(20_000);
    expect(ec.getResource(b).times.STARTED).toBe(3000);
    expect(ec.getResource(c).times.STARTED).toBe(6000);
    expect(timeouts(events).map((e) => [e.guid, e.time])).toEqual([
      [b, 3000],
      [c, 6000],
    ]);
    // a waits to release 5 s after b is released, or 1 s at most
    ec.registerCondition(a, 'RELEASE', b, 'RELEASED', '5s', { timeout: '1s', onTimeout: 'skip' });
    const released = ec.release(a);
    await clock.runAll();
    await released;
    expect(ec.state(a)).toBe('RELEASED');
    expect(ec.getResource(a).times.RELEASED).toBe(21_000);
    expect(ec.state(b)).toBe('STARTED');
    await settle(clock, ec.shutdown());
  });

  it('checks the options when the condition is registered', () => {
    const { ec } = experiment();
    const a = ec.registerResource('dummy::Node', {}, { name: 'a' });
    const b = ec.registerResource('dummy::Node', {}, { name: 'b' });
    expect(() => ec.registerCondition(b, 'START', a, 'STARTED', 0, { timeout: 'soon' })).toThrow('invalid duration "soon"');
    expect(() => ec.registerCondition(b, 'START', a, 'STARTED', 0, { timeout: '1s', onTimeout: 'retry' as 'skip' })).toThrow(
      "onTimeout must be 'fail' or 'skip', got \"retry\"",
    );
    expect(() => ec.registerCondition(b, 'START', a, 'STARTED', 0, { onTimeout: 'skip' })).toThrow("onTimeout 'skip' needs a timeout");
    expect(() => ec.registerCondition(b, 'RELEASE', a, 'RELEASED', 0, { timeout: '1s' })).toThrow(
      "a RELEASE condition cannot fail its resource when it times out: give it onTimeout 'skip'",
    );
    expect(ec.describe().resources['b']!.conditions).toBeUndefined();
    ec.registerCondition(b, 'START', a, 'STARTED', '1s', { timeout: '2m' });
    expect(ec.describe().resources['b']!.conditions).toEqual([
      { action: 'START', group: ['a'], state: 'STARTED', time: '1s', timeout: '2m', onTimeout: 'fail' },
    ]);
  });
});

describe('condition timeouts in the run directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('records timeout and skipped condition records in events.ndjson', async () => {
    const clock = new VirtualClock();
    const localDir = mkdtempSync(join(tmpdir(), 'nepi-cond-timeout-'));
    dirs.push(localDir);
    const ec = new ExperimentController({ clock, localDir, expId: 'ct' });
    const a = ec.registerResource('dummy::Node', { startTime: '10s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { critical: false }, { name: 'b' });
    const c = ec.registerResource('dummy::Node', {}, { name: 'c' });
    ec.registerCondition(b, 'START', a, 'STARTED', 0, { timeout: '1s' });
    ec.registerCondition(c, 'START', a, 'STARTED', 0, { timeout: '2s', onTimeout: 'skip' });
    ec.deploy();
    await clock.runAll();
    await settle(clock, ec.shutdown());
    const lines = readFileSync(join(ec.runDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const records = lines.filter((line) => line['kind'] === 'condition' && (line['event'] === 'timeout' || line['event'] === 'skipped'));
    expect(records).toMatchObject([
      { kind: 'condition', event: 'timeout', guid: 'b', action: 'START', group: ['a'], state: 'STARTED', delay: 0, time: 1000, deadline: 1000 },
      { kind: 'condition', event: 'skipped', guid: 'c', action: 'START', time: 2000, deadline: 2000 },
    ]);
  });
});
