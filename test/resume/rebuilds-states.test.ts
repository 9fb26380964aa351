import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DummyApplication, DummyNode, type ExperimentController } from '../../src/index.js';
import { TypeRegistry } from '../../src/resources/registry.js';
import { defineResourceType, type ReattachFunction } from '../../src/resources/resource-type.js';
import { enteredAt, records, resumeAndFinish, runAndCrash, tempRuns } from './support.js';

let runs: ReturnType<typeof tempRuns>;
beforeEach(() => {
  runs = tempRuns();
});
afterEach(() => runs.cleanup());

function nodeAnd(ec: ExperimentController, apps: Record<string, Record<string, unknown>>, type = 'dummy::Application'): void {
  ec.registerResource('dummy::Node', {}, { name: 'node' });
  for (const [name, attributes] of Object.entries(apps)) {
    ec.registerResource(type, attributes, { name });
    ec.registerConnection('node', name);
  }
}

describe('resume rebuilds every resource from the run directory', () => {
  it('keeps the failures recorded before the crash', async () => {
    const crash = await runAndCrash(runs.localDir, (ec) => nodeAnd(ec, { bad: { failAt: 'start', critical: false }, good: { runTime: '2s' } }), 1000);
    const { ec } = await resumeAndFinish(crash.runDir, 1500);
    expect(ec.status).toBe('released');
    expect(ec.failures.map((f) => [f.guid, f.step, f.critical])).toEqual([['bad', 'start', false]]);
    expect(ec.getResource('bad').step).toBe('start');
    expect(enteredAt(crash.runDir, 'good', 'FINISHED')).toBe(2000);
  });

  it('ends an experiment aborted before the crash as aborted, everything released', async () => {
    const crash = await runAndCrash(
      runs.localDir,
      (ec) => {
        nodeAnd(ec, { bad: { runTime: '500ms', failAt: 'run', releaseTime: '10s' }, other: { runTime: '5s' } });
      },
      1000,
    );
    // the abort released the others; bad is still releasing (10 s) when the controller dies
    expect(enteredAt(crash.runDir, 'other', 'RELEASED')).toBe(500);
    const { ec } = await resumeAndFinish(crash.runDir, 2000);
    expect(ec.status).toBe('aborted');
    expect(ec.failures.map((f) => [f.guid, f.step])).toEqual([['bad', 'run']]);
    expect(ec.resources.map((guid) => ec.state(guid))).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    expect(enteredAt(crash.runDir, 'bad', 'RELEASED')).toBe(2000 + 10_000);
  });

  it('runs again the step a resource was in when the controller died', async () => {
    const crash = await runAndCrash(runs.localDir, (ec) => nodeAnd(ec, { app: { deployTime: '1s', runTime: '1s' } }), 500);
    expect(enteredAt(crash.runDir, 'app', 'PROVISIONED')).toBe(0);
    expect(enteredAt(crash.runDir, 'app', 'READY')).toBeUndefined();
    const { ec } = await resumeAndFinish(crash.runDir, 3000);
    // deploy started over at the resume and took its full second
    expect(enteredAt(crash.runDir, 'app', 'READY')).toBe(4000);
    expect(enteredAt(crash.runDir, 'app', 'FINISHED')).toBe(5000);
    expect(ec.status).toBe('released');
  });

  it('reads an event log whose last line was cut by the crash', async () => {
    const crash = await runAndCrash(runs.localDir, (ec) => nodeAnd(ec, { app: { runTime: '2s' } }), 1000);
    appendFileSync(join(crash.runDir, 'events.ndjson'), '{"wall":"2026-11-28T09:00:00.000Z","time":1000,"guid":"app","na');
    const { ec } = await resumeAndFinish(crash.runDir, 1500);
    expect(ec.status).toBe('released');
    expect(enteredAt(crash.runDir, 'app', 'FINISHED')).toBe(2000);
    // the cut line was ended: the records after it are whole
    expect(records(crash.runDir).find((r) => r['kind'] === 'resume')).toMatchObject({ time: 1500 });
  });
});

describe('resume asks each type what is still there', () => {
  /** A dummy application whose reattach answers `answer` (or that has none). */
  function registryWith(reattach?: ReattachFunction): TypeRegistry {
    const registry = new TypeRegistry();
    registry.register(DummyNode);
    const { reattach: _dummyReattach, backend: _noBackend, ...rest } = DummyApplication;
    registry.register(defineResourceType({ ...rest, ...(reattach ? { reattach } : {}) }));
    return registry;
  }

  async function crashStarted(registry: TypeRegistry): Promise<string> {
    const crash = await runAndCrash(runs.localDir, (ec) => nodeAnd(ec, { app: { runTime: '10s' } }), 1000, { registry });
    expect(enteredAt(crash.runDir, 'app', 'STARTED')).toBe(0);
    return crash.runDir;
  }

  it('fails a STARTED resource that is gone, with the reason its type gave', async () => {
    const registry = registryWith(() => ({ status: 'gone', reason: 'pid 4242 is not there' }));
    const runDir = await crashStarted(registry);
    const { ec } = await resumeAndFinish(runDir, 2000, { registry });
    expect(ec.getResource('app').step).toBe('run');
    expect(String(ec.getResource('app').error)).toContain('pid 4242 is not there');
    expect(enteredAt(runDir, 'app', 'FAILED')).toBe(2000);
    expect(records(runDir).find((r) => r['kind'] === 'resume')).toMatchObject({
      states: { STARTED: 2 },
      found: { app: 'gone: pid 4242 is not there' },
    });
  });

  it('records an end seen at resume at the time it was seen', async () => {
    const registry = registryWith(() => ({ status: 'ended', ok: false, reason: 'exited with code 3' }));
    const runDir = await crashStarted(registry);
    const { ec } = await resumeAndFinish(runDir, 2000, { registry });
    expect(enteredAt(runDir, 'app', 'FAILED')).toBe(2000);
    expect(ec.failures[0]?.step).toBe('run');
    expect(String(ec.failures[0]?.error)).toContain('exited with code 3');
  });

  it('fails a STARTED resource whose type cannot reattach and runs something', async () => {
    const registry = registryWith();
    const runDir = await crashStarted(registry);
    const { ec } = await resumeAndFinish(runDir, 2000, { registry });
    expect(String(ec.getResource('app').error)).toMatch(/has no reattach/);
  });

  it('treats a reattach that throws as gone', async () => {
    const registry = registryWith(() => {
      throw new Error('host unreachable');
    });
    const runDir = await crashStarted(registry);
    const { ec } = await resumeAndFinish(runDir, 2000, { registry });
    expect(String(ec.getResource('app').error)).toMatch(/reattach failed: host unreachable/);
  });

  it('takes a READY resource found running for STARTED, at the time it was found', async () => {
    const registry = registryWith((_ctx, recorded) => (recorded.state === 'READY' ? { status: 'running' } : { status: 'gone', reason: 'x' }));
    // app waits 5 s for its START; the controller dies at 1 s
    const crash = await runAndCrash(
      runs.localDir,
      (ec) => {
        nodeAnd(ec, { app: { runTime: '1s' } });
        ec.registerCondition('app', 'START', 'node', 'STARTED', '5s');
      },
      1000,
      { registry },
    );
    const { ec } = await resumeAndFinish(crash.runDir, 2000, { registry });
    expect(enteredAt(crash.runDir, 'app', 'STARTED')).toBe(2000);
    expect(enteredAt(crash.runDir, 'app', 'FINISHED')).toBe(3000);
    expect(ec.failures).toEqual([]);
  });
});
