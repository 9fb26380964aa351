import { describe, expect, it } from 'vitest';
import { UnknownResourceError } from '../../src/errors.js';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('lookups and the general wait (NEPI get_connected, get_resources_by_type, wait)', () => {
  it('answers what a resource is connected to, by type name or pattern', () => {
    const { ec } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 2);
    const other = ec.registerResource('dummy::Node');
    expect(ec.getConnected(node)).toEqual(apps);
    expect(ec.getConnected(node, 'dummy::Application')).toEqual(apps);
    expect(ec.getConnected(node, 'dummy::*')).toEqual(apps);
    expect(ec.getConnected(node, 'linux::*')).toEqual([]);
    expect(ec.getConnected(apps[0]!, 'dummy::Node')).toEqual([node]);
    expect(ec.getConnected(other)).toEqual([]);
  });

  it('lists the resources of a type, in registration order', () => {
    const { ec } = virtualExperiment();
    const first = nodeWithApps(ec, 2);
    const second = nodeWithApps(ec, 1);
    expect(ec.getResourcesByType('dummy::Node')).toEqual([first.node, second.node]);
    expect(ec.getResourcesByType('dummy::Application')).toEqual([...first.apps, ...second.apps]);
    expect(ec.getResourcesByType('dummy::*')).toHaveLength(5);
    expect(ec.getResourcesByType('netns::Node')).toEqual([]);
  });

  it('waits for any state, at the time the last resource reaches it', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { startTime: '300ms' });
    ec.set(apps[1]!, 'runTime', '2s');
    ec.deploy();
    let startedAt: number | undefined;
    const started = ec.wait(apps, 'STARTED').then(() => (startedAt = clock.now()));
    await settle(clock, started);
    expect(startedAt).toBe(300);
    let finishedAt: number | undefined;
    await settle(
      clock,
      ec.wait(apps[1], 'FINISHED').then(() => (finishedAt = clock.now())),
    );
    expect(finishedAt).toBe(2300);
    await ec.shutdown();
    await expect(ec.wait(apps, 'RELEASED')).resolves.toBeUndefined();
  });

  it('refuses a state that is not one, naming it', async () => {
    const { ec } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1);
    ec.deploy();
    expect(() => ec.wait(apps, 'STARTD' as never)).toThrow(/unknown state 'STARTD' - did you mean 'STARTED'\?/);
    await ec.shutdown();
  });

  it('answers a guid of the wrong type or an unknown guid with UnknownResourceError naming it', async () => {
    const { ec } = virtualExperiment();
    nodeWithApps(ec, 1);
    for (const call of [
      () => ec.state(12345 as never),
      () => ec.getConnected(12345 as never),
      () => ec.getConnected('nope'),
      () => ec.getResource('nope'),
      () => ec.get('nope', 'x'),
      () => ec.set(12345 as never, 'x', 1),
      () => ec.start('nope'),
      () => ec.registerConnection('nope', 'node1'),
      () => ec.registerCondition('nope', 'START', 'node1', 'READY'),
      () => ec.traceEnabled('nope', 'stdout'),
    ]) {
      expect(call).toThrow(UnknownResourceError);
    }
    expect(() => ec.state(12345 as never)).toThrow(/12345/);
    expect(() => ec.wait('nope', 'READY')).toThrow(UnknownResourceError);
    await ec.shutdown();
  });
});
