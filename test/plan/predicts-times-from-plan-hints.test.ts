import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planExperimentFile } from '../../src/plan/run-plan.js';
import { clientServer, tempFolder } from './files.js';

describe('planExperimentFile', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('predicts every state time from the plan hints, on the virtual clock, without running anything real', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const marker = join(folder.dir, 'ran');
    const file = folder.write('exp.yaml', clientServer(marker));
    const started = performance.now();
    const plan = await planExperimentFile(file);
    expect(performance.now() - started).toBeLessThan(10_000); // 13 s of experiment, in virtual time
    expect(existsSync(marker)).toBe(false);

    const byName = Object.fromEntries(plan.resources.map((r) => [r.guid, r]));
    // node READY at 2s; the apps deploy after it; the server is READY at 3s, and with it the
    // deployment group: everything starts at 3s but the client, held until 3s + 2s
    expect(byName['node']).toMatchObject({ deploy: 0, ready: 2000, start: 3000, end: undefined, released: 13000 });
    expect(byName['server']).toMatchObject({ deploy: 2000, ready: 3000, start: 3000, end: 13000, endState: 'FINISHED', released: 13000 });
    expect(byName['client']).toMatchObject({ deploy: 2000, ready: 2000, start: 5000, end: 8000, endState: 'FINISHED', released: 13000 });
    expect(plan.total).toBe(13000);
    expect(plan.status).toBe('released');
    expect(plan.stuck).toEqual([]);
    expect(plan.conditions.filter((c) => c.event === 'held')).toMatchObject([{ guid: 'client', action: 'START', time: 3000, deadline: 5000 }]);
  });

  it('takes zero for steps without a hint, and the own step times of dummy resources', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const file = folder.write('exp.yaml', [
      'resources:',
      '  node: { type: linux::Node }',
      '  app: { type: linux::Application, connect: [node], attributes: { command: "sleep 100" } }',
      '  d: { type: dummy::Node, attributes: { provisionTime: 1500ms } }',
      '  dapp: { type: dummy::Application, connect: [d], attributes: { runTime: 4s }, plan: { start: 500ms } }',
      '  forever: { type: dummy::Application, connect: [d] }',
    ]);
    const plan = await planExperimentFile(file);
    const byName = Object.fromEntries(plan.resources.map((r) => [r.guid, r]));
    expect(byName['app']).toMatchObject({ deploy: 0, ready: 0, end: byName['app']!.start, endState: 'FINISHED' });
    expect(byName['d']!.ready).toBe(1500);
    expect(byName['dapp']).toMatchObject({ start: 2000, end: 6000, endState: 'FINISHED' });
    // no runTime: it runs until stopped, in the plan as in a run
    expect(byName['forever']).toMatchObject({ start: 1500, end: undefined, released: 6000 });
    expect(plan.total).toBe(6000);
  });

  it('says which resources would wait forever when the experiment never ends by itself', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const file = folder.write('exp.yaml', [
      'resources:',
      '  node: { type: dummy::Node }',
      '  server: { type: dummy::Application, connect: [node] }',
      '  client:',
      '    type: dummy::Application',
      '    connect: [node]',
      '    attributes: { runTime: 1s }',
      '    conditions: [{ action: START, group: [server], state: STOPPED }]',
    ]);
    const plan = await planExperimentFile(file);
    // as in a run: once nothing else can happen, the run fails what it still waits for
    expect(plan.stuck).toEqual([{ guid: 'client', state: 'READY', cause: expect.stringContaining("its START still waits for 'server' to reach STOPPED") }]);
    expect(plan.resources.find((r) => r.guid === 'client')).toMatchObject({ endState: 'FAILED', start: undefined });
    expect(plan.status).toBe('aborted'); // the client is critical
    expect(plan.resources.every((r) => r.state === 'RELEASED')).toBe(true);
  });
});
