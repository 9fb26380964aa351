/** testResourceType's options and helpers, on small user-written types. */
import { describe, expect, it } from 'vitest';
import { defineResourceType, ExperimentController } from '../../src/index.js';
import { failingAt, InjectedFailure, runInVirtualTime, testResourceType, VirtualClock } from '../../src/testing/index.js';

const Echo = defineResourceType({
  type: 'test::Echo',
  help: 'Takes a second to deploy.',
  steps: { deploy: (ctx) => ctx.sleep(1000) },
});

describe('testResourceType options', () => {
  it('runs the paths it is given, completed by a release', async () => {
    const lines: string[] = [];
    const report = await testResourceType(Echo, {
      paths: [
        ['DEPLOY', 'discover ok'],
        ['DEPLOY', 'discover ok', 'provision ok', 'deploy ok', 'START'],
      ],
      log: (line) => lines.push(line),
    });
    expect(report.paths).toBe(2);
    expect(lines).toEqual([
      '✓ DEPLOY → discover ok → RELEASE → release ok',
      '✓ DEPLOY → discover ok → provision ok → deploy ok → START → RELEASE → release ok',
      report.summary(),
    ]);
  });

  it('completes the shortest paths into lifecycles, and can leave some out', async () => {
    const report = await testResourceType(Echo, { paths: 'shortest', filter: (path) => !path.events.includes('START') });
    expect(report.paths).toBeGreaterThan(5);
    expect(report.skipped).toBeGreaterThan(5);
    expect(report.summary()).toContain('skipped');
  });

  it('reports instead of throwing with throwOnFailure: false', async () => {
    const report = await testResourceType(failingAt(Echo, 'deploy'), { throwOnFailure: false, maxFailures: 2 });
    expect(report.failures).toHaveLength(2);
    expect(report.failures[0]!.message).toContain('observed FAILED (failed at deploy: injected failure at deploy)');
  });

  it('fails when a connected resource is missing a type', async () => {
    const report = await testResourceType(Echo, { connect: [{ type: 'no::Such' }], throwOnFailure: false, maxFailures: 1 });
    expect(report.failures[0]).toMatchObject({ at: -1 });
    expect(report.failures[0]!.message).toContain("the kit failed: unknown resource type 'no::Such'");
  });
});

describe('failingAt', () => {
  it('makes a variant whose step throws after doing its work', async () => {
    const { resources } = await runInVirtualTime((ec) => {
      ec.registerResource(failingAt(Echo, 'deploy'), { critical: false }, { name: 'after' });
      ec.registerResource(failingAt(Echo, 'deploy', { when: 'before' }), { critical: false }, { name: 'before' });
      ec.registerResource(failingAt(Echo, 'start'), { critical: false }, { name: 'start' });
    });
    expect(resources['after']).toMatchObject({ step: 'deploy', times: { FAILED: 1000 } });
    expect(resources['after']!.error).toBeInstanceOf(InjectedFailure);
    expect(resources['before']).toMatchObject({ step: 'deploy', times: { FAILED: 0 } });
    // a step the type does not have runs all the same
    expect(resources['start']).toMatchObject({ step: 'start', times: { READY: 1000, FAILED: 1000 } });
  });
});

describe('runInVirtualTime', () => {
  it('returns every resource with its state times', async () => {
    const { resources, ec, clock } = await runInVirtualTime((ec) => {
      ec.registerResource(Echo, {}, { name: 'a' });
      ec.registerResource(Echo, {}, { name: 'b' });
      ec.registerCondition('b', 'START', 'a', 'STARTED', '2s');
    });
    expect(ec).toBeInstanceOf(ExperimentController);
    expect(clock).toBeInstanceOf(VirtualClock);
    expect(resources['a']!.times).toEqual({ NEW: 0, DISCOVERED: 0, PROVISIONED: 0, READY: 1000, STARTED: 1000, RELEASED: 3000 });
    expect(resources['b']!.times.STARTED).toBe(3000);
  });
});

describe('the examples of docs/testing.md', () => {
  it('runs an experiment in virtual time', async () => {
    const { resources } = await runInVirtualTime((ec) => {
      const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
      ec.registerResource('dummy::Application', { deployTime: '2s', runTime: '1m' }, { name: 'app' });
      ec.registerConnection(node, 'app');
      ec.registerCondition('app', 'START', 'node', 'STARTED', '5s');
    });
    expect(resources['app']!.times).toEqual({ NEW: 0, DISCOVERED: 0, PROVISIONED: 0, READY: 2000, STARTED: 7000, FINISHED: 67000, RELEASED: 67000 });
  });
});
