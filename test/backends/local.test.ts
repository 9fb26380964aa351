import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartsAndAppends } from './restart-case.js';
import { alive, allGone } from '../processes.js';
import { AttributeValueError, ExperimentAbortedError, ExperimentController, type ProbeContext } from '../../src/index.js';

let localDir: string;
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-local-'));
});
afterEach(() => rmSync(localDir, { recursive: true, force: true }));

function experiment(apps: Record<string, Record<string, unknown>>) {
  const ec = new ExperimentController({ localDir, expId: 'local' });
  const node = ec.registerResource('linux::Node', {}, { name: 'node' });
  for (const [name, attributes] of Object.entries(apps)) {
    ec.registerResource('linux::Application', attributes, { name });
    ec.registerConnection(node, name);
  }
  return ec;
}

describe('local backend', () => {
  it('finishes an application that exits 0 and keeps its stdout and stderr as traces', async () => {
    const ec = experiment({ app: { command: 'echo hello; echo oops >&2' } });
    ec.deploy();
    await ec.waitFinished('app');
    expect(ec.state('app')).toBe('FINISHED');
    expect(await ec.trace('app', 'stdout')).toBe('hello\n');
    expect(await ec.trace('app', 'stderr')).toBe('oops\n');
    expect(await ec.trace('app', 'stdout', { attr: 'size' })).toBe(6);
    expect(await ec.trace('app', 'stdout', { attr: 'path' })).toBe(join(ec.runDir, 'app', 'stdout'));
    expect(await ec.trace('app', 'stdout', { attr: 'stream', block: 2, offset: 1 })).toBe('ll');
    expect(await ec.trace('app', 'stdout', { attr: 'stream', block: 4, offset: 5 })).toBe('');
    await expect(ec.trace('app', 'stdot')).rejects.toThrow("resource 'app' (linux::Application) has no trace 'stdot' - did you mean 'stdout'?");
    await ec.shutdown();
  });

  it('starts a STOPPED application again: its command runs again and its traces go on', () => restartsAndAppends(experiment));

  it('fails an application that exits non-zero, with the code and the end of stderr', async () => {
    const ec = experiment({ app: { command: 'echo first >&2; echo "no such file" >&2; exit 3', critical: false } });
    ec.deploy();
    await ec.waitFinished('app');
    const info = ec.getResource('app');
    expect(info.state).toBe('FAILED');
    expect(info.step).toBe('run');
    expect(String(info.error)).toContain('command exited with code 3; stderr ends with:\nfirst\nno such file');
    await ec.shutdown();
  });

  it('substitutes ${RUN_DIR} and ${APP_DIR}, and passes env, stdin and workdir', async () => {
    const ec = experiment({
      app: {
        command: 'echo "$GREETING $(cat) ${RUN_DIR} ${APP_DIR} $(pwd)"',
        env: { GREETING: 'hola' },
        stdin: 'from-stdin',
        workdir: localDir,
      },
    });
    ec.deploy();
    await ec.waitFinished('app');
    expect(await ec.trace('app', 'stdout')).toBe(`hola from-stdin ${ec.runDir} ${join(ec.runDir, 'app')} ${localDir}\n`);
    await ec.shutdown();
  });

  it('stops an application with SIGTERM', async () => {
    const ec = experiment({ app: { command: 'echo $$ > ${APP_DIR}/pid; exec sleep 1000' } });
    ec.deploy();
    await ec.waitStarted();
    const pid = await waitForPid(join(ec.runDir, 'app', 'pid'));
    const t0 = performance.now();
    ec.stop('app');
    await ec.waitFinished('app');
    expect(ec.state('app')).toBe('STOPPED');
    expect(performance.now() - t0).toBeLessThan(4000);
    expect(await allGone([pid])).toBe(true);
    await ec.shutdown();
  });

  it('kills an application that ignores SIGTERM after stopTimeout', async () => {
    const ec = experiment({
      app: { command: "trap '' TERM; echo $$ > ${APP_DIR}/pid; while true; do sleep 0.05; done", stopTimeout: '300ms' },
    });
    ec.deploy();
    await ec.waitStarted();
    const pid = await waitForPid(join(ec.runDir, 'app', 'pid'));
    const t0 = performance.now();
    ec.stop('app');
    await ec.waitFinished('app');
    const elapsed = performance.now() - t0;
    expect(ec.state('app')).toBe('STOPPED');
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(5000);
    expect(await allGone([pid])).toBe(true);
    await ec.shutdown();
  });

  it('kills a whole process tree at release', async () => {
    const ec = experiment({
      app: { command: 'sleep 1000 & echo $! > ${APP_DIR}/pids; sleep 1000 & echo $! >> ${APP_DIR}/pids; wait' },
    });
    ec.deploy();
    await ec.waitStarted();
    const pids = await waitForPids(join(ec.runDir, 'app', 'pids'), 2);
    expect(pids.every(alive)).toBe(true);
    await ec.shutdown();
    expect(ec.state('app')).toBe('RELEASED');
    expect(await allGone(pids)).toBe(true);
  });

  it('leaves no process alive after a critical failure', async () => {
    const ec = experiment({
      long: { command: 'echo $$ > ${APP_DIR}/pid; exec sleep 1000' },
      bad: { command: 'sleep 0.3; exit 7' },
    });
    ec.deploy();
    const pid = await waitForPid(join(ec.runDir, 'long', 'pid'));
    const error = await ec.waitFinished().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExperimentAbortedError);
    expect((error as Error).message).toContain('bad (linux::Application) failed at run: command exited with code 7');
    await ec.shutdown();
    expect(ec.state('long')).toBe('RELEASED');
    expect(await allGone([pid])).toBe(true);
    const summary = JSON.parse(readFileSync(join(ec.runDir, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('aborted');
    expect(summary.failures[0]).toMatchObject({ guid: 'bad', step: 'run' });
  });

  it('reaches a node whose hostname is not this machine over SSH, and fails it at discover when it cannot', async () => {
    const ec = new ExperimentController({ localDir });
    const node = ec.registerResource('linux::Node', { hostname: 'faraway.invalid', critical: false });
    ec.deploy();
    await ec.waitDeployed();
    expect(ec.getResource(node)).toMatchObject({ state: 'FAILED', step: 'discover' });
    // no key here, or no such host: either way the error names the host it tried
    expect(String(ec.getResource(node).error)).toMatch(/SshConnectionError: .*@faraway\.invalid:22/);
    await ec.shutdown();
  });

  it('requires a command before deploying', () => {
    const ec = experiment({ app: {} });
    expect(() => ec.deploy()).toThrow(AttributeValueError);
    expect(() => ec.deploy()).toThrow("resource 'app' (linux::Application): attribute 'command' is required and not set");
  });
});

async function waitForPids(path: string, count: number): Promise<number[]> {
  const deadline = performance.now() + 5000;
  for (;;) {
    try {
      const pids = readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map(Number);
      if (pids.length >= count) return pids;
    } catch {
      /* not written yet */
    }
    if (performance.now() > deadline) throw new Error(`${path} did not get ${count} pids`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForPid(path: string): Promise<number> {
  return (await waitForPids(path, 1))[0]!;
}

describe('local backend, stopping and failing', () => {
  it('stops with SIGTERM first: a process that handles it exits cleanly and is STOPPED', async () => {
    const ec = experiment({
      app: { command: "trap 'echo got-term > ${APP_DIR}/term; exit 0' TERM; echo $$ > ${APP_DIR}/pid; while true; do sleep 0.05; done" },
    });
    ec.deploy();
    await ec.waitStarted();
    await waitForPid(join(ec.runDir, 'app', 'pid'));
    ec.stop('app');
    await ec.waitFinished('app');
    expect(ec.state('app')).toBe('STOPPED');
    expect(readFileSync(join(ec.runDir, 'app', 'term'), 'utf8')).toBe('got-term\n');
    await ec.shutdown();
  });

  it('fails an application killed by a signal, naming the signal', async () => {
    const ec = experiment({ app: { command: 'kill -KILL $$', critical: false } });
    ec.deploy();
    await ec.waitFinished('app');
    expect(ec.getResource('app')).toMatchObject({ state: 'FAILED', step: 'run' });
    expect(String(ec.getResource('app').error)).toContain('command was killed by SIGKILL');
    await ec.shutdown();
  });

  it('kills a process whose start is interrupted by a release', async () => {
    const ec = experiment({ app: { command: 'echo $$ > ${APP_DIR}/pid; exec sleep 1000' } });
    const off = ec.onStateChange((event) => {
      // released the moment it is READY: the START is already on its way
      if (event.guid === 'app' && event.to === 'READY') void ec.release('app');
    });
    ec.deploy(undefined, { waitAllReady: false });
    await ec.waitReleased('app');
    off();
    expect(ec.state('app')).toBe('RELEASED');
    expect(ec.getResource('app').times.STARTED).toBeUndefined();
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(join(ec.runDir, 'app', 'pid'), 'utf8'));
    } catch {
      pid = undefined; // released before the process got to write it: nothing ran
    }
    if (pid !== undefined) expect(await allGone([pid])).toBe(true);
    await ec.shutdown();
  });

  it('writes traces even when the run is not recorded', async () => {
    const ec = new ExperimentController({ localDir, record: false });
    const node = ec.registerResource('linux::Node');
    const app = ec.registerResource('linux::Application', { command: 'echo unrecorded' });
    ec.registerConnection(node, app);
    ec.deploy();
    await ec.waitFinished(app);
    expect(await ec.trace(app, 'stdout')).toBe('unrecorded\n');
    await ec.shutdown();
    expect(() => readFileSync(join(ec.runDir, 'summary.json'))).toThrow();
    expect(() => readFileSync(join(ec.runDir, 'events.ndjson'))).toThrow();
  });
});

describe('local backend probe', () => {
  it('finds a process group still running, and nothing once it is killed', async () => {
    const { createLocalExecutor } = await import('../../src/index.js');
    const executor = createLocalExecutor();
    const { spawn } = await import('node:child_process');
    const child = spawn('bash', ['-c', 'sleep 1000 & wait'], { detached: true, stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    const pgid = child.pid!;
    const view = { guid: 'app', type: 'linux::Application', get: () => undefined, data: { process: { pgid } } };
    const context = {
      ...view,
      clock: undefined as never,
      connections: () => [],
      expId: 'e',
      runId: 'r',
      runDir: '/',
      tracePath: () => '/',
    } as unknown as ProbeContext;
    const found = await executor.probe(context);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`process group ${pgid} of 'app' still runs: pid `);
    process.kill(-pgid, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const deadline = performance.now() + 2000;
    while ((await executor.probe(context)).length > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await executor.probe(context)).toEqual([]);
  });
});
