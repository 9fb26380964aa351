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

  it('reports a cycle among conditions with the cycle spelled out, before deploying anything', () => {
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
  });

  it('reports a cycle through a deployment barrier and an implicit dependency', () => {
    const { ec } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1);
    // the node cannot deploy before the app started, which waits for the node to be READY
    ec.registerCondition(node, 'DEPLOY', apps[0]!, 'STARTED');
    expect(() => ec.deploy()).toThrow(ConditionCycleError);
    expect(() => ec.deploy()).toThrow(/\(dependency\)/);
  });

  it('reports a resource waiting on itself', () => {
    const { ec } = virtualExperiment();
    const node = ec.registerResource('dummy::Node');
    ec.registerCondition(node, 'DEPLOY', node, 'READY');
    expect(() => ec.deploy()).toThrow(`conditions form a cycle and can never hold: '${node}' DEPLOY waits for '${node}' READY (condition)`);
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
    expect(() => ec.deploy(apps)).toThrow(`resource '${apps[0]}' (dummy::Application) depends on '${node}' (dummy::Node), which is not deployed; deploy them together`);
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

  it('rejects a duplicate resource name and refuses work after shutdown', async () => {
    const ec = new ExperimentController({ record: false });
    ec.registerResource('dummy::Node', {}, { name: 'x' });
    expect(() => ec.registerResource('dummy::Node', {}, { name: 'x' })).toThrow(NepiError);
    await ec.shutdown();
    expect(ec.status).toBe('released');
    expect(() => ec.registerResource('dummy::Node')).toThrow(InvalidActionError);
  });
});
