import { describe, expect, it } from 'vitest';
import {
  AttributeValueError,
  ConditionCycleError,
  ConditionError,
  ExperimentController,
  InvalidActionError,
  InvalidConnectionError,
  NepiError,
  UnknownAttributeError,
  UnknownResourceError,
  UnknownTypeError,
  TypeRegistry,
  defineResourceType,
} from '../../src/index.js';
import { nodeWithApps, virtualExperiment } from '../helpers.js';

describe('validation', () => {
  it('reports an unknown type with the nearest name', () => {
    const { ec } = virtualExperiment();
    expect(() => ec.registerResource('dummy::Nod')).toThrow(UnknownTypeError);
    expect(() => ec.registerResource('dummy::Nod')).toThrow("unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?");
  });

  it('reports unknown guids', () => {
    const { ec } = virtualExperiment();
    const node = ec.registerResource('dummy::Node');
    expect(() => ec.state('nope')).toThrow(UnknownResourceError);
    expect(() => ec.registerConnection(node, 'nope')).toThrow("unknown resource 'nope'");
    expect(() => ec.registerCondition(node, 'START', 'nope', 'STARTED')).toThrow(UnknownResourceError);
    expect(() => ec.deploy(['nope'])).toThrow(UnknownResourceError);
    expect(() => ec.set('nope', 'critical', true)).toThrow(UnknownResourceError);
  });

  it('names the resource, type and attribute of a bad attribute', () => {
    const { ec } = virtualExperiment();
    const node = ec.registerResource('dummy::Node', {}, { name: 'n1' });
    expect(() => ec.set(node, 'deployTme', '1s')).toThrow(UnknownAttributeError);
    expect(() => ec.set(node, 'deployTme', '1s')).toThrow("resource 'n1' (dummy::Node) has no attribute 'deployTme' - did you mean 'deployTime'?");
    expect(() => ec.set(node, 'deployTime', '2 parsecs')).toThrow(AttributeValueError);
    expect(() => ec.set(node, 'deployTime', '2 parsecs')).toThrow(/resource 'n1' \(dummy::Node\): attribute 'deployTime'.*"2 parsecs"/);
    expect(() => ec.set(node, 'failAt', 'never')).toThrow(/attribute 'failAt' expects one of 'none'/);
    expect(() => ec.set(node, 'critical', 'yes')).toThrow(AttributeValueError);
    expect(() => ec.registerResource('dummy::Node', { bogus: 1 })).toThrow(UnknownAttributeError);
    expect(ec.get(node, 'deployTime')).toBe(0);
    ec.set(node, 'deployTime', '2m30s');
    expect(ec.get(node, 'deployTime')).toBe(150_000);
    expect(() => ec.get(node, 'nope')).toThrow(UnknownAttributeError);
  });

  it('checks connections with both types', () => {
    const { ec } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 2);
    const other = ec.registerResource('dummy::Node');
    expect(() => ec.registerConnection(apps[0]!, apps[1]!)).toThrow(InvalidConnectionError);
    expect(() => ec.registerConnection(apps[0]!, apps[1]!)).toThrow(/cannot connect to 'application2' \(dummy::Application\)/);
    expect(() => ec.registerConnection(node, other)).toThrow(InvalidConnectionError);
    expect(() => ec.registerConnection(apps[0]!, other)).toThrow(/already has 1 connection/);
    expect(() => ec.registerConnection(node, node)).toThrow(InvalidConnectionError);
  });

  it('reports an application with no node at deploy', () => {
    const { ec } = virtualExperiment();
    const app = ec.registerResource('dummy::Application');
    expect(() => ec.deploy()).toThrow(InvalidConnectionError);
    expect(() => ec.deploy()).toThrow(`resource '${app}' (dummy::Application) must be connected to at least 1 dummy::Node, has 0`);
  });

  it('reports a cycle among conditions at deploy, with the cycle spelled out, before deploying anything', () => {
    const { ec } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 3);
    const [a, b, c] = apps as [string, string, string];
    ec.registerCondition(a, 'START', b, 'STARTED');
    ec.registerCondition(b, 'START', c, 'STARTED', '1s');
    ec.registerCondition(c, 'START', a, 'STARTED');
    let error: unknown;
    try {
      ec.deploy();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConditionCycleError);
    const message = (error as Error).message;
    expect(message).toContain(`'${a}' START waits for '${b}' STARTED (condition)`);
    expect(message).toContain(`'${b}' START waits for '${c}' STARTED (condition)`);
    expect(message).toContain(`'${c}' START waits for '${a}' STARTED (condition)`);
    expect((error as ConditionCycleError).cycle).toHaveLength(3);
    expect(ec.state(a)).toBe('NEW');
    expect(() => ec.validate()).toThrow(ConditionCycleError);
  });

  it('reports a cycle through an implicit dependency', () => {
    const { ec } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1);
    // the node cannot deploy before the app started, and the app deploys after its node is READY
    ec.registerCondition(node, 'DEPLOY', apps[0]!, 'STARTED');
    expect(() => ec.deploy()).toThrow(ConditionCycleError);
    expect(() => ec.deploy()).toThrow(`'${apps[0]}' DEPLOY waits for '${node}' READY (dependency)`);
  });

  it('reports a cycle closed by a condition on a resource already deployed, when it is registered', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    const b = ec.registerResource('dummy::Node');
    ec.registerCondition(b, 'STOP', a, 'STOPPED');
    ec.deploy(undefined, { autoStart: false });
    await clock.runAll();
    expect(() => ec.registerCondition(a, 'STOP', b, 'STOPPED')).toThrow(ConditionCycleError);
  });

  it('reports a cycle through a deployment barrier at deploy, before deploying anything', () => {
    const { ec } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    const b = ec.registerResource('dummy::Node');
    ec.registerCondition(a, 'DEPLOY', b, 'STARTED');
    // alone, fine; in one group that waits for all READY, b cannot start before a is READY
    expect(() => ec.deploy()).toThrow(ConditionCycleError);
    expect(() => ec.deploy()).toThrow(`'${b}' START waits for '${a}' READY (barrier)`);
    expect(ec.state(a)).toBe('NEW');
    expect(() => ec.deploy(undefined, { waitAllReady: false })).not.toThrow();
  });

  it('reports a resource waiting on itself', () => {
    const { ec } = virtualExperiment();
    const node = ec.registerResource('dummy::Node');
    ec.registerCondition(node, 'DEPLOY', node, 'READY');
    expect(() => ec.deploy()).toThrow(`conditions form a cycle and can never hold: '${node}' DEPLOY waits for '${node}' READY (condition)`);
  });

  it('reports a cycle through STOPPED of resources that only stop when told to', () => {
    const { ec } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    const b = ec.registerResource('dummy::Node');
    // a node runs until stopped: b waits for a's STOP, which waits for b to start
    ec.registerCondition(b, 'START', a, 'STOPPED');
    ec.registerCondition(a, 'STOP', b, 'STARTED');
    expect(() => ec.deploy()).toThrow(`'${a}' STOP waits for '${b}' STARTED (condition) -> '${b}' START waits for '${a}' STOPPED (condition)`);
  });

  it('accepts the same conditions when the resource waited for finishes by itself', () => {
    const { ec } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2, { runTime: '1s' });
    const [a, b] = apps as [string, string];
    ec.registerCondition(b, 'START', a, 'STOPPED');
    ec.registerCondition(a, 'STOP', b, 'STARTED');
    expect(() => ec.deploy()).not.toThrow();
  });

  it('reports a wait for FINISHED on a critical resource that never finishes by itself', () => {
    const { ec } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1);
    ec.registerCondition(apps[0]!, 'START', node, 'FINISHED');
    expect(() => ec.deploy()).toThrow(ConditionError);
    expect(() => ec.deploy()).toThrow(`'${node}' (dummy::Node) runs until it is stopped and never finishes by itself; wait for STOPPED instead`);
    // a non-critical one may still get there by failing
    ec.set(node, 'critical', false);
    expect(() => ec.deploy()).not.toThrow();
  });

  it('reports a cycle of RELEASE conditions', () => {
    const { ec } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    const b = ec.registerResource('dummy::Node');
    ec.registerCondition(a, 'RELEASE', b, 'RELEASED');
    expect(() => ec.registerCondition(b, 'RELEASE', a, 'RELEASED')).toThrow(ConditionCycleError);
  });

  it('checks a condition registered after deploy against what is deployed', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    ec.deploy(a, { autoStart: false });
    await clock.runAll();
    const b = ec.registerResource('dummy::Node');
    expect(() => ec.registerCondition(a, 'START', b, 'STARTED')).toThrow(
      `the START condition of '${a}' waits for '${b}' to reach STARTED, but '${b}' is not part of any deployment`,
    );
    // waiting for a release needs no deployment
    expect(() => ec.registerCondition(a, 'RELEASE', b, 'RELEASED')).not.toThrow();
  });

  it('reports a condition on a resource that is not part of any deployment', () => {
    const { ec } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    const b = ec.registerResource('dummy::Node');
    ec.registerCondition(a, 'START', b, 'STARTED');
    expect(() => ec.deploy(a)).toThrow(ConditionError);
    expect(() => ec.deploy(a)).toThrow(`the START condition of '${a}' waits for '${b}' to reach STARTED, but '${b}' is not part of any deployment`);
    expect(() => ec.deploy([a, b])).not.toThrow();
  });

  it('reports an application deployed without its node', () => {
    const { ec } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1);
    expect(() => ec.deploy(apps)).toThrow(
      `resource '${apps[0]}' (dummy::Application) depends on '${node}' (dummy::Node), which is not deployed; deploy them together`,
    );
  });

  it('rejects bad actions, states and durations in conditions', () => {
    const { ec } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    expect(() => ec.registerCondition(a, 'JUMP' as never, a, 'STARTED')).toThrow(/unknown action 'JUMP'/);
    expect(() => ec.registerCondition(a, 'START', a, 'RUNNING' as never)).toThrow(/unknown state 'RUNNING'/);
    expect(() => ec.registerCondition(a, 'START', a, 'STARTED', '2 fortnights')).toThrow(TypeError);
    expect(() => ec.registerCondition(a, 'START', [], 'STARTED')).toThrow(ConditionError);
  });

  it('refuses to start, stop or wait for a resource that is not deployed', async () => {
    const { ec } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    expect(() => ec.start(a)).toThrow(InvalidActionError);
    expect(() => ec.stop(a)).toThrow(`cannot stop '${a}': it is not deployed`);
    await expect(ec.waitStarted(a)).rejects.toThrow(InvalidActionError);
  });

  it('refuses a condition on an action already ordered', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node');
    ec.deploy();
    await clock.runAll();
    expect(() => ec.registerCondition(a, 'START', a, 'READY')).toThrow(InvalidActionError);
  });

  it('counts the most connections by the rule that allowed them', () => {
    const { ec } = virtualExperiment();
    const host = defineResourceType({ type: 'test::Host', help: 'h', connectsTo: ['test::*'] });
    const nic = defineResourceType({ type: 'test::Nic', help: 'n', connectsTo: { 'test::*': { max: 1 } } });
    const wifi = defineResourceType({ type: 'test::Wifi', help: 'w', connectsTo: ['test::*'] });
    const n = ec.registerResource(nic);
    ec.registerConnection(n, ec.registerResource(host));
    expect(() => ec.registerConnection(n, ec.registerResource(wifi))).toThrow(/already has 1 connection\(s\) to test::\*/);
  });

  it('rejects a second type registered under the same name unless asked to replace it', () => {
    const registry = new TypeRegistry();
    const one = defineResourceType({ type: 'test::Same', help: 'one' });
    const two = defineResourceType({ type: 'test::Same', help: 'two' });
    registry.register(one);
    registry.register(one);
    expect(() => registry.register(two)).toThrow("resource type 'test::Same' is already registered");
    registry.register(two, { replace: true });
    expect(registry.get('test::Same').help).toBe('two');
  });

  it('checks and normalises attribute defaults, and restores them when set to undefined', () => {
    expect(() => defineResourceType({ type: 'test::Bad', help: 'b', attributes: { t: { type: 'duration', default: 'soon', help: 't' } } })).toThrow(
      /attribute 't \(default\)'/,
    );
    const timed = defineResourceType({ type: 'test::Timed', help: 't', attributes: { t: { type: 'duration', default: '30s', help: 't' } } });
    expect(timed.attributes['t']?.default).toBe(30_000);
    const { ec } = virtualExperiment();
    const r = ec.registerResource(timed, { t: '1m' });
    expect(ec.get(r, 't')).toBe(60_000);
    ec.set(r, 't', undefined);
    expect(ec.get(r, 't')).toBe(30_000);
  });

  it('rejects a duplicate resource name and refuses work after shutdown', async () => {
    const ec = new ExperimentController({ record: false });
    ec.registerResource('dummy::Node', {}, { name: 'x' });
    expect(() => ec.registerResource('dummy::Node', {}, { name: 'x' })).toThrow(NepiError);
    await ec.shutdown();
    expect(ec.status).toBe('released');
    expect(() => ec.registerResource('dummy::Node')).toThrow(InvalidActionError);
  });
});
