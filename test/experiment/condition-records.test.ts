import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentController, readRun, type ConditionEvent } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function strip({ type: _type, ...rest }: ConditionEvent) {
  return rest;
}

describe('condition records', () => {
  it('reports a condition holding with its deadline, then its action released when the delay ends', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3, { startTime: '250ms' });
    const [a1, a2, waiter] = apps as [string, string, string];
    ec.set(a2, 'startTime', '1s');
    ec.registerCondition(waiter, 'START', [a1, a2], 'STARTED', '2s');
    const seen: ConditionEvent[] = [];
    ec.onCondition((event) => seen.push(event));
    ec.deploy();
    await settle(clock, ec.waitStarted());
    // a2 STARTED last, at 1000: the condition holds then and its delay ends at 3000
    expect(seen.map(strip)).toEqual([
      { event: 'held', guid: waiter, action: 'START', group: [a1, a2], state: 'STARTED', delay: 2000, time: 1000, deadline: 3000 },
      { event: 'fired', guid: waiter, action: 'START', group: [a1, a2], state: 'STARTED', delay: 2000, time: 3000, deadline: 3000 },
    ]);
    expect(ec.getResource(waiter).times.STARTED).toBe(3250);
  });

  it('names, when an action waits on several conditions, the one satisfied last', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3);
    const [a, b, waiter] = apps as [string, string, string];
    ec.set(a, 'runTime', '5s');
    ec.registerCondition(waiter, 'START', a, 'FINISHED', '1s');
    ec.registerCondition(waiter, 'START', b, 'STARTED', '10s');
    const seen: ConditionEvent[] = [];
    ec.onCondition((event) => seen.push(event));
    ec.deploy();
    await settle(clock, ec.waitStarted(waiter));
    expect(seen.map((e) => [e.event, e.group[0], e.time, e.deadline])).toEqual([
      ['held', b, 0, 10_000],
      ['held', a, 5000, 6000],
      ['fired', b, 10_000, 10_000],
    ]);
  });

  it('reports a condition that already holds when it is registered', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 2);
    const [a, b] = apps as [string, string];
    ec.deploy([node, a]);
    await settle(clock, ec.waitStarted(a));
    await clock.advance(2000);
    const seen: ConditionEvent[] = [];
    ec.onCondition((event) => seen.push(event));
    ec.registerCondition(b, 'START', a, 'STARTED', '1s');
    ec.deploy(b);
    await settle(clock, ec.waitStarted(b));
    expect(seen.map((e) => [e.event, e.guid, e.time, e.deadline])).toEqual([
      ['held', b, 0, 1000],
      ['fired', b, 2000, 1000], // its deadline had passed: released at once
    ]);
  });

  it('emits nothing when nobody records or listens, and stops when the last listener leaves', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3);
    const [a, b, c] = apps as [string, string, string];
    ec.registerCondition(b, 'START', a, 'STARTED', '1s');
    ec.registerCondition(c, 'START', b, 'STARTED', '1s');
    const raw: ConditionEvent[] = [];
    ec.actor.on('condition', (event) => raw.push(event));
    const off = ec.onCondition(() => {});
    off();
    off(); // a second call changes nothing
    ec.deploy();
    await settle(clock, ec.waitStarted());
    expect(raw).toEqual([]);
  });

  it('writes held and fired lines to events.ndjson, which readRun parses apart from state changes', async () => {
    const localDir = mkdtempSync(join(tmpdir(), 'nepi-conditions-'));
    dirs.push(localDir);
    const clock = new VirtualClock();
    const ec = new ExperimentController({ clock, localDir, expId: 'records' });
    const { apps } = nodeWithApps(ec, 2);
    const [server, client] = apps as [string, string];
    ec.registerCondition(client, 'START', server, 'STARTED', '500ms');
    ec.deploy();
    await settle(clock, ec.waitStarted());
    const done = ec.shutdown();
    await clock.runAll();
    await done;

    const lines = readFileSync(join(ec.runDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const conditionLines = lines.filter((l) => l.kind === 'condition');
    expect(conditionLines).toEqual([
      expect.objectContaining({
        kind: 'condition',
        guid: client,
        action: 'START',
        group: [server],
        state: 'STARTED',
        delay: 500,
        event: 'held',
        time: 0,
        deadline: 500,
      }),
      expect.objectContaining({ kind: 'condition', guid: client, event: 'fired', time: 500, deadline: 500 }),
    ]);
    expect(typeof conditionLines[0].wall).toBe('string');

    appendFileSync(join(ec.runDir, 'events.ndjson'), '{"kind":"condition","guid":"cut sh'); // a crash mid-line
    const run = await readRun(ec.runDir);
    expect(run.conditions.map((c) => c.event)).toEqual(['held', 'fired']);
    expect(run.events.length).toBe(lines.length - 2);
    expect(run.events.every((e) => 'to' in e && !('kind' in e))).toBe(true);
  });
});
