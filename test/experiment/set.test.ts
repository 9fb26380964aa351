/**
 * SET (NEPI's set_with_conditions) and `ec.set` at run time: a runtime attribute changes
 * while the resource is STARTED, through its type's `set` step, at the virtual time the
 * condition says; anything else is refused, naming the attribute.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionEvent } from '../../src/index.js';
import { InvalidActionError, UnknownAttributeError } from '../../src/errors.js';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('SET conditions', () => {
  it('sets the attribute when the group reached the state plus the delay, on each target, while STARTED', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3, { runTime: '10s', rate: '1mbit' });
    const [a, b, c] = apps as [string, string, string];
    ec.set(a, 'startTime', '1s');
    // b and c take 5mbit 2 s after a is STARTED (at 1 s): at 3 s
    ec.setWithConditions([b, c], 'rate', '5mbit', a, 'STARTED', '2s');
    const conditions: ConditionEvent[] = [];
    ec.onCondition((event) => conditions.push(event));
    const seen: Array<[number, string]> = [];
    ec.actor.on('resource.changed', (event) => seen.push([event.time, `${event.guid} ${event.name} ${String(event.previous)}->${String(event.value)}`]));
    ec.deploy();
    await clock.advance(2999);
    expect(ec.get(b, 'rate')).toBe('1mbit');
    await clock.advance(1);
    expect(seen).toEqual([
      [3000, `${b} rate 1mbit->5mbit`],
      [3000, `${c} rate 1mbit->5mbit`],
    ]);
    expect(ec.get(b, 'rate')).toBe('5mbit');
    expect(ec.get(a, 'rate')).toBe('1mbit');
    expect(ec.getResource(c).changes).toEqual([{ name: 'rate', value: '5mbit', previous: '1mbit', time: 3000 }]);
    // the set steps are gone from the resource's children once done
    const children = (guid: string) => Object.keys(ec.actor.getSnapshot().context.actors.get(guid)!.getSnapshot().children as object);
    expect(children(b).filter((id) => id.startsWith('set.'))).toEqual([]);
    expect(ec.getResource(a).changes).toBeUndefined();
    // the states did not move: the run goes on
    expect(ec.state(b)).toBe('STARTED');
    const fired = conditions.filter((event) => event.action === 'SET' && event.event === 'fired');
    expect(fired.map((event) => [event.guid, event.attribute, event.value, event.time])).toEqual([
      [b, 'rate', '5mbit', 3000],
      [c, 'rate', '5mbit', 3000],
    ]);
    await settle(clock, ec.waitFinished(apps));
    expect(ec.getResource(b).times.FINISHED).toBe(10_000);
  });

  it('waits for the target itself to be STARTED, and applies several SETs in their order', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { runTime: '10s' });
    const [a, b] = apps as [string, string];
    ec.set(b, 'startTime', '4s');
    // due at 1 s (a STARTED at 0 + 1 s), but b starts only at 4 s
    ec.setWithConditions(b, 'rate', 'early', a, 'STARTED', '1s');
    ec.setWithConditions(b, 'rate', 'late', a, 'STARTED', '6s');
    ec.deploy();
    await settle(clock, ec.waitFinished(apps));
    expect(ec.getResource(b).changes).toEqual([
      { name: 'rate', value: 'early', previous: undefined, time: 4000 },
      { name: 'rate', value: 'late', previous: 'early', time: 6000 },
    ]);
  });

  it('drops a SET that comes due after the target left STARTED', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { runTime: '2s' });
    const [a, b] = apps as [string, string];
    ec.setWithConditions(b, 'rate', 'never', a, 'STARTED', '5s');
    ec.deploy();
    await settle(clock, ec.waitFinished(apps));
    await clock.runAll();
    expect(ec.getResource(b).changes).toBeUndefined();
    expect(ec.get(b, 'rate')).toBeUndefined();
  });

  it('fails the resource at step set when its set step fails', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1, { runTime: '10s', failAt: 'set', critical: false });
    const [a] = apps as [string];
    ec.setWithConditions(a, 'rate', '2mbit', a, 'STARTED', '1s');
    ec.deploy();
    await settle(clock, ec.waitFinished(apps));
    expect(ec.state(a)).toBe('FAILED');
    expect(ec.getResource(a).step).toBe('set');
    expect(ec.getResource(a).times.FAILED).toBe(1000);
    expect(String(ec.getResource(a).error)).toMatch(/dummy failure at set/);
  });

  it('refuses a SET of an attribute that is not a runtime one, or unknown, naming it', () => {
    const { ec } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1);
    const [a] = apps as [string];
    expect(() => ec.setWithConditions(a, 'runTime', '1s', a, 'STARTED')).toThrow(InvalidActionError);
    expect(() => ec.setWithConditions(a, 'runTime', '1s', a, 'STARTED')).toThrow(
      `attribute 'runTime' of '${a}' (dummy::Application) cannot change at run time: it is not a runtime attribute (those of dummy::Application: rate)`,
    );
    expect(() => ec.setWithConditions(a, 'speed', 1, a, 'STARTED')).toThrow(UnknownAttributeError);
    expect(() => ec.setWithConditions(a, 'rate', '1mbit', a, 'STARTD' as 'STARTED')).toThrow(/unknown state 'STARTD'/);
  });
});

describe('ec.set on a deployed resource', () => {
  it('applies a runtime attribute at once on a STARTED resource, through its set step', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1, { runTime: '10s', rate: '1mbit' });
    const [a] = apps as [string];
    ec.deploy();
    await clock.advance(1500);
    expect(ec.state(a)).toBe('STARTED');
    ec.set(a, 'rate', '3mbit');
    await clock.advance(0);
    expect(ec.get(a, 'rate')).toBe('3mbit');
    expect(ec.getResource(a).changes).toEqual([{ name: 'rate', value: '3mbit', previous: '1mbit', time: 1500 }]);
  });

  it('refuses an attribute that is not a runtime one once deployed (NEPI users set runTime on a STARTED app)', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1, { runTime: '10s' });
    const [a] = apps as [string];
    ec.deploy();
    await clock.advance(1000);
    expect(ec.state(a)).toBe('STARTED');
    expect(() => ec.set(a, 'runTime', '1s')).toThrow(
      `attribute 'runTime' of '${a}' (dummy::Application) cannot change at run time: it is not a runtime attribute`,
    );
    expect(ec.get(a, 'runTime')).toBe(10_000);
    // critical stays a controller setting, at any time
    ec.set(a, 'critical', false);
    expect(ec.get(a, 'critical')).toBe(false);
  });

  it('takes a runtime attribute as a plain value before STARTED, and refuses it once the resource ended', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1, { runTime: '1s', startTime: '1s' });
    const [a] = apps as [string];
    ec.deploy();
    ec.set(a, 'rate', 'before');
    expect(ec.get(a, 'rate')).toBe('before');
    await settle(clock, ec.waitFinished(apps));
    expect(ec.getResource(a).changes).toBeUndefined();
    expect(() => ec.set(a, 'rate', 'after')).toThrow(`cannot set 'rate' of '${a}': it is FINISHED, no longer STARTED`);
  });
});
