import { describe, expect, it } from 'vitest';
import { defineResourceType, ExperimentAbortedError } from '../../src/index.js';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('failures', () => {
  it('aborts on a critical failure, releases everything and rejects pending waits', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 3, { runTime: '1m' });
    ec.set(apps[1]!, 'failAt', 'start');
    ec.set(apps[1]!, 'startTime', '2s');
    // due at 5 s, after the abort at 2 s
    const late = ec.registerResource('dummy::Application', { runTime: '1m' });
    ec.registerConnection(node, late);
    ec.registerCondition(late, 'START', apps[0]!, 'STARTED', '5s');
    ec.deploy();
    const finished = ec.waitFinished();
    const error = await settle(
      clock,
      finished.catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(ExperimentAbortedError);
    const aborted = error as ExperimentAbortedError;
    expect(aborted.failures).toHaveLength(1);
    expect(aborted.failures[0]).toMatchObject({ guid: apps[1], type: 'dummy::Application', step: 'start', critical: true });
    expect(aborted.message).toContain(`${apps[1]} (dummy::Application) failed at start: dummy failure at start`);
    expect(ec.status).toBe('aborted');
    for (const guid of [node, ...apps, late]) expect(ec.state(guid)).toBe('RELEASED');
    // dependents are released before their node
    const nodeReleased = ec.getResource(node).times.RELEASED!;
    for (const app of apps) expect(ec.getResource(app).times.RELEASED!).toBeLessThanOrEqual(nodeReleased);
    // nothing new starts after the abort
    expect(ec.getResource(late).times.STARTED).toBeUndefined();
    await expect(ec.waitStarted()).rejects.toBeInstanceOf(ExperimentAbortedError);
    expect(() => ec.deploy()).toThrow(ExperimentAbortedError);
    await settle(clock, ec.shutdown());
    expect(ec.status).toBe('aborted');
  });

  it('keeps releasing in dependency order when a node fails critically', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 2, { releaseTime: '3s' }, { failAt: 'run', runTime: '5s' });
    ec.deploy();
    await settle(
      clock,
      ec.waitFinished().catch(() => undefined),
    );
    expect(ec.state(node)).toBe('RELEASED');
    expect(ec.getResource(node).times.FAILED).toBe(5000);
    for (const app of apps) expect(ec.getResource(app).times.RELEASED).toBe(8000);
    expect(ec.getResource(node).times.RELEASED).toBe(8000);
  });

  it('lets 10 applications finish when a non-critical one fails', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 11, { runTime: '10s' });
    const bad = apps[0]!;
    ec.set(bad, 'critical', false);
    ec.set(bad, 'failAt', 'deploy');
    ec.deploy();
    await settle(clock, ec.waitFinished(apps));
    expect(ec.status).toBe('running');
    expect(ec.state(bad)).toBe('FAILED');
    expect(ec.getResource(bad)).toMatchObject({ step: 'deploy' });
    expect(ec.failures).toHaveLength(1);
    for (const app of apps.slice(1)) {
      expect(ec.state(app)).toBe('FINISHED');
      expect(ec.getResource(app).times.FINISHED).toBe(10_000);
    }
  });

  it('counts a non-critical failed member as having reached every state', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 2);
    const [bad, waiting] = apps as [string, string];
    ec.set(bad, 'critical', false);
    ec.set(bad, 'failAt', 'start');
    ec.set(bad, 'startTime', '3s');
    ec.registerCondition(waiting, 'START', bad, 'FINISHED', '1s');
    ec.deploy();
    await settle(clock, ec.waitStarted(waiting));
    expect(ec.getResource(bad).times.FAILED).toBe(3000);
    expect(ec.getResource(waiting).times.STARTED).toBe(4000);
  });

  it('records the failed step and error of a resource', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node', { failAt: 'provision', critical: false });
    ec.deploy();
    await settle(clock, ec.waitDeployed());
    const info = ec.getResource(node);
    expect(info.state).toBe('FAILED');
    expect(info.step).toBe('provision');
    expect(String(info.error)).toContain('dummy failure at provision');
    expect(info.times.DISCOVERED).toBe(0);
    expect(info.times.PROVISIONED).toBeUndefined();
  });

  it('rejects a wait on the very resource whose critical failure aborts the experiment', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1, { failAt: 'run', runTime: '2s' });
    ec.deploy();
    const rejected = expect(ec.waitFinished(apps)).rejects.toBeInstanceOf(ExperimentAbortedError);
    await clock.runAll();
    await rejected;
  });

  it('sends no DEPLOY to the applications of a node that failed critically', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 2, {}, { failAt: 'deploy', deployTime: '1s' });
    ec.deploy();
    await settle(
      clock,
      ec.waitDeployed().catch(() => undefined),
    );
    expect(ec.getResource(node).times.FAILED).toBe(1000);
    for (const app of apps) {
      expect(ec.getResource(app).times.DISCOVERED).toBeUndefined();
      expect(ec.state(app)).toBe('RELEASED');
    }
  });

  it('fails the applications of a node that failed non-critically, with the node as cause', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 2, { critical: false }, { failAt: 'provision', critical: false });
    const other = nodeWithApps(ec, 1, { runTime: '1s' });
    ec.deploy();
    await settle(clock, ec.waitFinished([...apps, ...other.apps]));
    expect(ec.status).toBe('running');
    for (const app of apps) {
      const info = ec.getResource(app);
      expect(info.state).toBe('FAILED');
      expect(info.step).toBe('deploy');
      expect(String(info.error)).toContain(`its dependency '${node}' (dummy::Node) failed`);
      expect(info.times.DISCOVERED).toBeUndefined();
    }
    expect(ec.state(other.apps[0]!)).toBe('FINISHED');
    expect(ec.failures.map((f) => f.guid)).toEqual([node, ...apps]);
  });

  it('halts a node whose release waits for its applications: it does not finish starting after an abort', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1, { releaseTime: '5s' }, { startTime: '1s' });
    const bad = ec.registerResource('dummy::Node', { startTime: 500, failAt: 'start' });
    ec.deploy();
    await settle(
      clock,
      ec.waitFinished().catch(() => undefined),
    );
    expect(ec.getResource(bad).times.FAILED).toBe(500);
    expect(ec.getResource(apps[0]!).times.RELEASED).toBe(5500);
    expect(ec.getResource(node).times.STARTED).toBeUndefined();
    expect(ec.getResource(node).times.RELEASED).toBe(5500);
  });

  it('fails an application deployed later on a node that already failed', async () => {
    for (const failAt of ['deploy', 'start'] as const) {
      const { ec, clock } = virtualExperiment();
      const node = ec.registerResource('dummy::Node', { failAt, critical: false, deployTime: 100 });
      ec.deploy();
      await clock.runAll();
      const app = ec.registerResource('dummy::Application', { critical: false });
      ec.registerConnection(node, app);
      ec.deploy();
      await settle(clock, ec.waitDeployed(app));
      expect(ec.getResource(app)).toMatchObject({ state: 'FAILED', step: 'deploy' });
      expect(String(ec.getResource(app).error)).toContain(`its dependency '${node}' (dummy::Node) failed`);
    }
  });

  it('records the failure of a step that rejects without a reason', async () => {
    const { ec, clock } = virtualExperiment();
    const silent = defineResourceType({
      type: 'test::Silent',
      help: 'fails quietly',
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
      steps: { deploy: () => Promise.reject(undefined) },
    });
    const guid = ec.registerResource(silent, { critical: false });
    ec.deploy();
    await settle(clock, ec.waitDeployed());
    expect(ec.failures).toMatchObject([{ guid, step: 'deploy' }]);
    expect(String(ec.failures[0]!.error)).toContain("step 'deploy' failed without a reason");
  });

  it('records a failed release but still ends RELEASED', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node', { failAt: 'release' });
    ec.deploy();
    await settle(clock, ec.waitStarted());
    await settle(clock, ec.shutdown());
    expect(ec.state(node)).toBe('RELEASED');
    expect(ec.failures).toMatchObject([{ guid: node, step: 'release' }]);
  });
});
