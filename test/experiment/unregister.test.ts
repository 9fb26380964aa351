/**
 * Unregistering (NEPI's unregister_condition and unregister_connection): NEPI's group
 * arithmetic on one resource's conditions, the index updated (an action held back only by a
 * removed condition goes at once, a pending delay is cancelled), and connections removed
 * before deploy with their dependencies.
 */
import { describe, expect, it } from 'vitest';
import { ConditionError, InvalidConnectionError, UnknownResourceError } from '../../src/errors.js';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('ec.unregisterCondition (group arithmetic)', () => {
  it('takes the guids out of the groups of one action; a group left empty drops its condition (as NEPI does)', () => {
    const { ec } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 4);
    const [a, b, c, d] = apps as [string, string, string, string];
    ec.registerCondition(d, 'START', [a, b], 'STARTED', '1s');
    ec.registerCondition(d, 'START', c, 'STARTED');
    ec.registerCondition(d, 'STOP', [a, c], 'STOPPED');
    const conditionsOf = (guid: string) => ec.describe().resources[guid]!.conditions ?? [];
    ec.unregisterCondition(d, [a], 'START');
    expect(conditionsOf(d)).toEqual([
      { action: 'START', group: [b], state: 'STARTED', time: '1s' },
      { action: 'START', group: [c], state: 'STARTED' },
      { action: 'STOP', group: [a, c], state: 'STOPPED' },
    ]);
    ec.unregisterCondition(d, [b, c], 'START');
    expect(conditionsOf(d)).toEqual([{ action: 'STOP', group: [a, c], state: 'STOPPED' }]);
    // without an action: every action
    ec.unregisterCondition(d, c);
    expect(conditionsOf(d)).toEqual([{ action: 'STOP', group: [a], state: 'STOPPED' }]);
    ec.unregisterCondition(d, [a]);
    expect(conditionsOf(d)).toEqual([]);
  });

  it('leaves the other targets of a condition registered on several resources alone', () => {
    const { ec } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3);
    const [a, b, c] = apps as [string, string, string];
    ec.registerCondition([b, c], 'START', a, 'STARTED', '2s');
    ec.unregisterCondition(b, a, 'START');
    expect(ec.describe().resources[b]!.conditions).toBeUndefined();
    expect(ec.describe().resources[c]!.conditions).toEqual([{ action: 'START', group: [a], state: 'STARTED', time: '2s' }]);
  });

  it('lets an action held back only by the removed condition go at once, and the others still wait', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3, { runTime: '10s' });
    const [a, b, c] = apps as [string, string, string];
    ec.set(a, 'startTime', '5s');
    ec.registerCondition([b, c], 'START', a, 'STARTED', '1s');
    ec.deploy();
    await clock.advance(1000);
    expect(ec.state(b)).toBe('READY');
    ec.unregisterCondition(b, a, 'START');
    await clock.advance(0);
    expect(ec.getResource(b).times.STARTED).toBe(1000);
    expect(ec.state(c)).toBe('READY');
    await clock.advance(5000);
    expect(ec.getResource(c).times.STARTED).toBe(6000);
    await settle(clock, ec.waitFinished(apps));
  });

  it('cancels a pending delay: the action goes at the time its remaining conditions say', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3, { runTime: '10s' });
    const [a, b, c] = apps as [string, string, string];
    ec.registerCondition(c, 'START', a, 'STARTED', '5s');
    ec.registerCondition(c, 'START', b, 'STARTED', '2s');
    ec.deploy();
    // both held at 0: c is due at 5 s (the later delay)
    await clock.advance(1000);
    ec.unregisterCondition(c, a, 'START');
    // what is left is due at 2 s
    await clock.advance(999);
    expect(ec.state(c)).toBe('READY');
    await clock.advance(1);
    expect(ec.getResource(c).times.STARTED).toBe(2000);
    await clock.advance(5000);
    // the cancelled delay started nothing a second time
    expect(ec.getResource(c).times.STARTED).toBe(2000);
    await settle(clock, ec.waitFinished(apps));
  });

  it('removes a SET condition with its action, or with every action', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { runTime: '10s' });
    const [a, b] = apps as [string, string];
    ec.setWithConditions(b, 'rate', 'x', a, 'STARTED', '1s');
    ec.deploy();
    ec.unregisterCondition(b, a, 'SET');
    await clock.advance(2000);
    expect(ec.getResource(b).changes).toBeUndefined();
    expect(ec.describe().resources[b]!.conditions).toBeUndefined();
    await settle(clock, ec.waitFinished(apps));
  });

  it('answers an unknown guid, group member or action with an error naming it', () => {
    const { ec } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1);
    expect(() => ec.unregisterCondition('nope', apps[0]!)).toThrow(UnknownResourceError);
    expect(() => ec.unregisterCondition(apps[0]!, 'nope')).toThrow(UnknownResourceError);
    expect(() => ec.unregisterCondition(apps[0]!, apps[0]!, 'STRAT' as 'START')).toThrow(ConditionError);
    expect(() => ec.unregisterCondition(apps[0]!, apps[0]!, 'STRAT' as 'START')).toThrow(/unknown action 'STRAT' - did you mean 'START'\?/);
  });
});

describe('ec.unregisterConnection', () => {
  it('disconnects two resources before deploy, with the dependency the connection made; the rules are checked again at deploy', () => {
    const { ec } = virtualExperiment();
    const first = ec.registerResource('dummy::Node');
    const second = ec.registerResource('dummy::Node');
    const app = ec.registerResource('dummy::Application');
    ec.registerConnection(first, app);
    ec.unregisterConnection(first, app);
    expect(ec.getConnected(app)).toEqual([]);
    expect(ec.actor.getSnapshot().context.index.get(app).dependsOn).toEqual([]);
    expect(() => ec.validate()).toThrow(InvalidConnectionError);
    ec.registerConnection(second, app);
    expect(ec.actor.getSnapshot().context.index.get(app).dependsOn).toEqual([second]);
    expect(ec.describe().resources[app]!.connect ?? ec.describe().resources[second]!.connect).toBeDefined();
    ec.validate();
  });

  it('refuses resources that are not connected, or already deployed', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1);
    const other = ec.registerResource('dummy::Node');
    expect(() => ec.unregisterConnection(other, apps[0]!)).toThrow(`resources '${other}' and '${apps[0]}' are not connected`);
    ec.deploy();
    await clock.advance(10);
    expect(() => ec.unregisterConnection(node, apps[0]!)).toThrow(`cannot disconnect '${node}' and '${apps[0]}': '${node}' is already deployed`);
    await ec.release();
  });
});
