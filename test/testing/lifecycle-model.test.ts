/** The lifecycle as a test model: the xstate/graph TestModel of machines/resource.ts and its paths. */
import { describe, expect, it } from 'vitest';
import { TestModel } from 'xstate/graph';
import { formatLifecyclePath, lifecycleTestModel, resolveLifecyclePath, shortestLifecyclePaths, simpleLifecyclePaths } from '../../src/testing/index.js';

describe('the lifecycle test model', () => {
  it('is an xstate/graph TestModel of the resource machine, with step outcomes as events', () => {
    const model = lifecycleTestModel();
    expect(model).toBeInstanceOf(TestModel);
    const paths = model.getShortestPaths();
    expect(paths.length).toBeGreaterThan(0);
    const labels = new Set(paths.flatMap((path) => path.steps.map((step) => (step.event as { label?: string }).label)));
    for (const label of ['DEPLOY', 'discover ok', 'discover fails', 'START', 'run ok', 'STOP', 'stop fails', 'RELEASE', 'release ok']) {
      expect(labels).toContain(label);
    }
  });

  it('lists 32 complete lifecycles: every step ok or failing, a release ok or failing from every state', () => {
    const paths = simpleLifecyclePaths();
    expect(paths).toHaveLength(32);
    const lines = paths.map((path) => formatLifecyclePath(path.events));
    expect(new Set(lines).size).toBe(32);
    expect(lines).toContain('RELEASE → release ok');
    expect(lines).toContain('DEPLOY → discover ok → provision ok → deploy ok → START → start ok → run ok → RELEASE → release fails');
    expect(lines).toContain('DEPLOY → discover ok → provision ok → deploy ok → START → start ok → STOP → stop fails → RELEASE → release ok');
    for (const path of paths) {
      expect(path.end).toMatchObject({ state: 'RELEASED', done: true });
      expect(path.events.at(-1)).toMatch(/^release (ok|fails)$/);
    }
    // one failure at each step, then released
    for (const step of ['discover', 'provision', 'deploy', 'start', 'run', 'stop']) {
      expect(lines.filter((line) => line.includes(`${step} fails → RELEASE → release ok`))).toHaveLength(1);
    }
  });

  it('says where the resource is after each event', () => {
    const path = resolveLifecyclePath(['DEPLOY', 'discover ok', 'provision fails', 'RELEASE', 'release ok']);
    expect(path.steps.map((step) => step.expect)).toEqual([
      { state: 'NEW', step: 'discover', failedStep: undefined, value: 'discovering', done: false },
      { state: 'DISCOVERED', step: 'provision', failedStep: undefined, value: 'provisioning', done: false },
      { state: 'FAILED', step: undefined, failedStep: 'provision', value: 'FAILED', done: false },
      { state: 'FAILED', step: 'release', failedStep: 'provision', value: 'releasing', done: false },
      { state: 'RELEASED', step: undefined, failedStep: 'provision', value: 'RELEASED', done: true },
    ]);
  });

  it('lists the shortest path to every state of the model', () => {
    const paths = shortestLifecyclePaths();
    const ends = paths.map((path) => `${path.end.value}|${path.end.state}|${path.end.failedStep ?? ''}`);
    expect(new Set(ends).size).toBe(paths.length);
    expect(paths.find((path) => path.end.value === 'STARTED.running')?.events).toEqual([
      'DEPLOY',
      'discover ok',
      'provision ok',
      'deploy ok',
      'START',
      'start ok',
    ]);
    expect(paths.length).toBeGreaterThan(30);
  });

  it('follows a plan: steps a resource does not run are no events', () => {
    const lines = simpleLifecyclePaths({ plan: [] }).map((path) => formatLifecyclePath(path.events));
    expect(lines.sort()).toEqual(['DEPLOY → RELEASE', 'DEPLOY → START → RELEASE', 'DEPLOY → START → STOP → RELEASE', 'RELEASE']);
    expect(simpleLifecyclePaths({ plan: (step) => step === 'run' })).toHaveLength(6);
  });

  it('refuses an event the model does not take', () => {
    expect(() => resolveLifecyclePath(['DEPLOY', 'START'])).toThrow("the lifecycle model ignores 'START' after DEPLOY");
    expect(() => resolveLifecyclePath(['DEPLOY', 'provision ok'])).toThrow(
      "the lifecycle model does not accept 'provision ok' after DEPLOY; it accepts DEPLOY, START, STOP, RELEASE, discover ok, discover fails",
    );
  });
});
