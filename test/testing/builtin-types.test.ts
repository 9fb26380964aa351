/**
 * Every built-in resource type passes the lifecycle kit: every complete lifecycle of the
 * model, with a failure injected at each step and a release from every state. This is the
 * standard test for a backend: add one block per type of a new backend (netns, ssh).
 */
import { describe, expect, it } from 'vitest';
import { DummyApplication, DummyLink, DummyNode, LinuxNode } from '../../src/index.js';
import { simpleLifecyclePaths, testResourceType, type ResourceTypeReport, type TestResourceTypeOptions } from '../../src/testing/index.js';
import type { ResourceType } from '../../src/index.js';
import { LinuxApplication } from '../../src/index.js';

const EVERY_STEP = simpleLifecyclePaths().length;
/** A restartable type's: STOPPED takes START too. */
const RESTARTABLE = simpleLifecyclePaths({ restartable: true }).length;

/** Every step of a dummy takes time, so that every step really runs. */
const TIMED = {
  discoverTime: '1s',
  provisionTime: '2s',
  deployTime: 300,
  startTime: 250,
  runTime: '1m',
  stopTime: 100,
  releaseTime: '1.5s',
};

async function passes(type: ResourceType, options: TestResourceTypeOptions): Promise<ResourceTypeReport> {
  const report = await testResourceType(type, options);
  console.log(report.summary());
  expect(report.failures).toEqual([]);
  expect(report.passed).toBe(report.paths);
  return report;
}

describe('built-in types pass the lifecycle kit', () => {
  it(`dummy::Node, every step timed: ${EVERY_STEP} paths`, async () => {
    const report = await passes(DummyNode, { attributes: TIMED });
    expect(report.paths).toBe(EVERY_STEP);
  });

  it(`dummy::Node with default attributes: ${EVERY_STEP} paths, and its own plan`, async () => {
    expect((await passes(DummyNode, {})).paths).toBe(EVERY_STEP);
    // its own plan skips every step: DEPLOY → START → STOP → RELEASE and the releases on the way
    expect((await passes(DummyNode, { plan: 'type' })).paths).toBe(4);
  });

  it(`dummy::Application on a dummy::Node: ${RESTARTABLE} paths (it restarts)`, async () => {
    const report = await passes(DummyApplication, { attributes: TIMED, connect: [{ type: 'dummy::Node', attributes: { deployTime: '5s' } }] });
    expect(report.paths).toBe(RESTARTABLE);
  });

  it(`dummy::Link between two dummy::Node: ${EVERY_STEP} paths`, async () => {
    const node = { type: 'dummy::Node', attributes: { deployTime: '2s' } } as const;
    const report = await passes(DummyLink, { attributes: TIMED, connect: [node, node] });
    expect(report.paths).toBe(EVERY_STEP);
  });

  it(`dummy::Node with applications that depend on it: ${EVERY_STEP} paths`, async () => {
    const app = { type: 'dummy::Application', attributes: { deployTime: '1s', releaseTime: '2s' } } as const;
    expect((await passes(DummyNode, { attributes: TIMED, connect: [app, app] })).paths).toBe(EVERY_STEP);
  });

  it(`linux::Node on the real clock: ${EVERY_STEP} paths`, async () => {
    expect((await passes(LinuxNode, { clock: 'real' })).paths).toBe(EVERY_STEP);
  });

  it(`linux::Application on a linux::Node, on the real clock: ${RESTARTABLE} paths (it restarts), no process left behind`, async () => {
    const report = await passes(LinuxApplication, {
      clock: 'real',
      connect: [{ type: 'linux::Node' }],
      // a group of processes that ends by itself (for `run ok`) but outlives every other step
      attributes: { command: 'sleep 0.3 & sleep 0.3; wait', stopTimeout: '1s' },
    });
    expect(report.paths).toBe(RESTARTABLE);
  });

  it('linux::Application, its shortest paths with a process that ignores SIGTERM', async () => {
    const report = await passes(LinuxApplication, {
      clock: 'real',
      connect: [{ type: 'linux::Node' }],
      paths: 'shortest',
      filter: (path) => !path.events.includes('run ok'),
      attributes: { command: "trap '' TERM; sleep 5 & sleep 5; wait", stopTimeout: 200 },
    });
    expect(report.paths).toBeGreaterThan(10);
  });
});
