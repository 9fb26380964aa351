import { describe, expect, it } from 'vitest';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('conditions', () => {
  it('starts app2 exactly 5 s after app1 STARTED', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { startTime: '250ms' });
    const [app1, app2] = apps as [string, string];
    ec.registerCondition(app2, 'START', app1, 'STARTED', '5s');
    ec.deploy();
    await settle(clock, ec.waitStarted());
    const started1 = ec.getResource(app1).times.STARTED!;
    expect(started1).toBe(250);
    // app2's START action fires at 5250; its 250 ms start step ends at 5500.
    expect(ec.getResource(app2).times.STARTED).toBe(started1 + 5000 + 250);
  });

  it('starts app2 after app1 STOPPED, when app1 is stopped by hand', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2);
    const [app1, app2] = apps as [string, string];
    ec.registerCondition(app2, 'START', app1, 'STOPPED');
    ec.deploy();
    await settle(clock, ec.waitStarted(app1));
    await clock.advance(7000);
    expect(ec.state(app2)).toBe('READY');
    ec.stop(app1);
    await settle(clock, ec.waitStarted(app2));
    expect(ec.getResource(app1).times.STOPPED).toBe(7000);
    expect(ec.getResource(app2).times.STARTED).toBe(7000);
  });

  it('counts FINISHED as having reached STOPPED', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2);
    const [app1, app2] = apps as [string, string];
    ec.set(app1, 'runTime', '3s');
    ec.registerCondition(app2, 'START', app1, 'STOPPED', '1s');
    ec.deploy();
    await settle(clock, ec.waitStarted(app2));
    expect(ec.getResource(app1).times.FINISHED).toBe(3000);
    expect(ec.getResource(app2).times.STARTED).toBe(4000);
  });

  it('gives the predicted start times along a chain of conditions with delays', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 6);
    const delays = ['1s', '500ms', '2m30s', '1.5m', 250];
    apps.slice(1).forEach((app, i) => ec.registerCondition(app, 'START', apps[i]!, 'STARTED', delays[i]));
    ec.deploy();
    await settle(clock, ec.waitStarted());
    const starts = apps.map((app) => ec.getResource(app).times.STARTED);
    expect(starts).toEqual([0, 1000, 1500, 151_500, 241_500, 241_750]);
  });

  it('waits for max(reached times) + delay over the whole group', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3);
    const [a, b, c] = apps as [string, string, string];
    ec.set(a, 'runTime', '2s');
    ec.set(b, 'runTime', '7s');
    ec.registerCondition(c, 'START', [a, b], 'FINISHED', '2s');
    ec.deploy();
    await settle(clock, ec.waitStarted(c));
    expect(ec.getResource(c).times.STARTED).toBe(9000);
  });

  it('requires every condition on one action to hold', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3);
    const [a, b, c] = apps as [string, string, string];
    ec.registerCondition(c, 'START', a, 'STARTED', '10s');
    ec.registerCondition(c, 'START', b, 'STARTED', '3s');
    ec.deploy();
    await settle(clock, ec.waitStarted(c));
    expect(ec.getResource(c).times.STARTED).toBe(10_000);
  });

  it('delays a deployment with a DEPLOY condition', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node', { deployTime: '2s' });
    const b = ec.registerResource('dummy::Node');
    ec.registerCondition(b, 'DEPLOY', a, 'READY', '1s');
    ec.deploy(undefined, { waitAllReady: false });
    await settle(clock, ec.waitDeployed());
    expect(ec.getResource(b).times.DISCOVERED).toBe(3000);
  });

  it('stops a resource with a STOP condition on its own', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2);
    const [a, b] = apps as [string, string];
    ec.set(a, 'runTime', '4s');
    ec.registerCondition(b, 'STOP', a, 'FINISHED', '1s');
    ec.deploy();
    await settle(clock, ec.waitFinished(b));
    expect(ec.state(b)).toBe('STOPPED');
    expect(ec.getResource(b).times.STOPPED).toBe(5000);
  });

  it('stops a resource a fixed time after it started with a condition on itself', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node');
    ec.registerCondition(node, 'STOP', node, 'STARTED', '1m');
    ec.deploy();
    await settle(clock, ec.waitFinished());
    expect(ec.getResource(node).times.STOPPED).toBe(60_000);
  });

  it('re-evaluates a condition only when a member changes state (no timers while waiting)', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2);
    const [a, b] = apps as [string, string];
    ec.registerCondition(b, 'START', a, 'STOPPED');
    ec.deploy();
    await settle(clock, ec.waitStarted(a));
    expect(clock.pending).toBe(0);
    expect(ec.state(b)).toBe('READY');
  });

  it('never fires an action before its due time on the real clock', async () => {
    const { ExperimentController } = await import('../../src/index.js');
    const ec = new ExperimentController({ record: false });
    const a = ec.registerResource('dummy::Node');
    const others = Array.from({ length: 20 }, () => ec.registerResource('dummy::Node'));
    for (const [i, guid] of others.entries()) ec.registerCondition(guid, 'START', a, 'STARTED', 10 + i);
    ec.deploy(undefined, { waitAllReady: false });
    await ec.waitStarted();
    const started = ec.getResource(a).times.STARTED!;
    for (const [i, guid] of others.entries()) {
      const lateness = ec.getResource(guid).times.STARTED! - (started + 10 + i);
      expect(lateness).toBeGreaterThanOrEqual(0);
      expect(lateness).toBeLessThan(1000);
    }
    await ec.shutdown();
  });
});
