import { describe, expect, it } from 'vitest';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('deployment order', () => {
  it('deploys an application only after its node is READY', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1, { deployTime: '1s' }, { deployTime: '3s', provisionTime: '2s' });
    const app = apps[0]!;
    ec.deploy();
    await settle(clock, ec.waitDeployed());
    const nodeTimes = ec.getResource(node).times;
    const appTimes = ec.getResource(app).times;
    expect(nodeTimes.READY).toBe(5000);
    expect(appTimes.DISCOVERED).toBe(5000);
    expect(appTimes.READY).toBe(6000);
  });

  it('starts no member of a deployment group before all are READY', async () => {
    const { ec, clock } = virtualExperiment();
    const fast = ec.registerResource('dummy::Node');
    const slow = ec.registerResource('dummy::Node', { deployTime: '10s' });
    ec.deploy();
    await settle(clock, ec.waitStarted());
    expect(ec.getResource(fast).times.READY).toBe(0);
    expect(ec.getResource(fast).times.STARTED).toBe(10_000);
    expect(ec.getResource(slow).times.STARTED).toBe(10_000);
  });

  it('lets members start as soon as each is READY when waitAllReady is false', async () => {
    const { ec, clock } = virtualExperiment();
    const fast = ec.registerResource('dummy::Node');
    const slow = ec.registerResource('dummy::Node', { deployTime: '10s' });
    ec.deploy(undefined, { waitAllReady: false });
    await settle(clock, ec.waitStarted());
    expect(ec.getResource(fast).times.STARTED).toBe(0);
    expect(ec.getResource(slow).times.STARTED).toBe(10_000);
  });

  it('keeps resources READY until started by hand when autoStart is false', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node');
    ec.deploy(undefined, { autoStart: false });
    await settle(clock, ec.waitDeployed());
    await clock.advance(5000);
    expect(ec.state(node)).toBe('READY');
    ec.start(node);
    await settle(clock, ec.waitStarted(node));
    expect(ec.getResource(node).times.STARTED).toBe(5000);
  });

  it('runs 1 node with 1,000 applications until all of them finished', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1000, { runTime: '30s', deployTime: '1s' });
    ec.deploy();
    await settle(clock, ec.waitFinished(apps));
    for (const app of apps) {
      expect(ec.state(app)).toBe('FINISHED');
      expect(ec.getResource(app).times.FINISHED).toBe(31_000);
    }
    expect(ec.state(node)).toBe('STARTED');
    await settle(clock, ec.shutdown());
    expect(ec.resources.every((guid) => ec.state(guid) === 'RELEASED')).toBe(true);
    expect(ec.status).toBe('released');
  });

  it('adds resources to a running experiment with a second deploy()', async () => {
    const { ec, clock } = virtualExperiment();
    const first = ec.registerResource('dummy::Node');
    ec.deploy();
    await settle(clock, ec.waitStarted());
    await clock.advance(2000);
    const second = ec.registerResource('dummy::Node', { deployTime: '1s' });
    ec.deploy();
    await settle(clock, ec.waitStarted(second));
    expect(ec.getResource(first).times.STARTED).toBe(0);
    expect(ec.getResource(second).times.STARTED).toBe(3000);
  });

  it('deploys into a named group and waits for the members already in it', async () => {
    const { ec, clock } = virtualExperiment();
    const slow = ec.registerResource('dummy::Node', { deployTime: '4s' });
    ec.deploy(slow, { group: 'g' });
    const late = ec.registerResource('dummy::Node');
    ec.deploy(late, { group: 'g' });
    await settle(clock, ec.waitStarted());
    expect(ec.getResource(late).times.READY).toBe(0);
    expect(ec.getResource(late).times.STARTED).toBe(4000);
  });
});
