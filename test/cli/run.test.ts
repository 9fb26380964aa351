import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allGone } from '../processes.js';
import { EXAMPLES, nepi } from './cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runDirOf(expId: string): string {
  const runs = readdirSync(join(dir, expId));
  expect(runs).toHaveLength(1);
  return join(dir, expId, runs[0]!);
}

describe('nepi run', () => {
  it('runs the client/server example: the server receives HOLA', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'client-server.yaml'), '--local-dir', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/server\s+READY -> STARTED/);
    expect(result.stdout).toMatch(/client\s+STARTED -> FINISHED/);
    expect(result.stdout).toContain('status: released (3 resources, 0 failures)');
    const runDir = runDirOf('client-server');
    expect(result.stdout).toContain(`run directory: ${runDir}`);
    expect(readFileSync(join(runDir, 'server', 'stdout'), 'utf8')).toBe('HOLA\n');
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(summary.resources.client.times.STARTED - summary.resources.server.times.STARTED).toBeGreaterThanOrEqual(1000);
    const events = readFileSync(join(runDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.some((e) => e.guid === 'server' && e.to === 'FINISHED')).toBe(true);
    expect(JSON.parse(readFileSync(join(runDir, 'experiment.json'), 'utf8')).resources.client.conditions).toEqual([
      { action: 'START', group: ['server'], state: 'STARTED', time: '1s' },
    ]);
  });

  it('runs the fan-in example: the consumer starts 2 s after the last producer finished', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'fan-in.yaml'), '--local-dir', dir]);
    expect(result.code).toBe(0);
    const runDir = runDirOf('fan-in');
    expect(readFileSync(join(runDir, 'consumer', 'stdout'), 'utf8')).toBe('one\ntwo\nthree\n');
    const { resources } = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    const lastFinished = Math.max(...['producer1', 'producer2', 'producer3'].map((p) => resources[p].times.FINISHED));
    const lateness = resources.consumer.times.STARTED - (lastFinished + 2000);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(2000);
  });

  it('exits 1 and reports the failure when a critical resource fails', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'failing.yaml'), '--local-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('status: aborted');
    expect(result.stdout).toContain('fetch (linux::Application) failed at run: command exited with code 3; stderr ends with:');
    expect(result.stdout).toContain('fetch: could not resolve host example.invalid');
    const summary = JSON.parse(readFileSync(join(runDirOf('failing'), 'summary.json'), 'utf8'));
    expect(summary.resources.monitor.state).toBe('RELEASED');
  });

  it('prints the state changes as NDJSON with --json', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'fan-in.yaml'), '--local-dir', dir, '--json', '--exp-id', 'json-run']);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.length).toBeGreaterThan(10);
    expect(events[0]).toMatchObject({ guid: expect.any(String), from: 'NEW', to: 'DISCOVERED' });
    expect(result.stderr).toContain('status: released');
    runDirOf('json-run');
  });

  function foreverFile(options: { slowRelease?: boolean } = {}): string {
    const file = join(dir, 'forever.yaml');
    writeFileSync(
      file,
      [
        'expId: forever',
        'resources:',
        '  node: { type: linux::Node }',
        // a resource whose release takes 30 s keeps the first Ctrl-C busy
        ...(options.slowRelease ? ['  slow: { type: dummy::Node, attributes: { releaseTime: 30s } }'] : []),
        '  sleeper:',
        '    type: linux::Application',
        '    connect: [node]',
        // ignores SIGTERM, so a stop takes its whole stopTimeout before the SIGKILL
        '    attributes: { command: "trap \'\' TERM; echo $$ > ${RUN_DIR}/pid; sleep 1000 & echo $! >> ${RUN_DIR}/pid; wait", stopTimeout: 3s }',
      ].join('\n'),
    );
    return file;
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`releases everything and exits 130 on ${signal}, leaving no process behind`, async () => {
      let sent = false;
      const result = await nepi(['run', foreverFile(), '--local-dir', dir], {
        onStdout: (text, child) => {
          if (!sent && /sleeper\s+READY -> STARTED/.test(text)) {
            sent = true;
            setTimeout(() => child.kill(signal), 300);
          }
        },
      });
      expect(result.code).toBe(130);
      expect(result.stdout).toContain(`${signal}: releasing every resource`);
      const runDir = runDirOf('forever');
      const pids = readFileSync(join(runDir, 'pid'), 'utf8').trim().split('\n').map(Number);
      expect(pids).toHaveLength(2);
      expect(await allGone(pids)).toBe(true);
      const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
      expect(summary.resources.sleeper.state).toBe('RELEASED');
      // not a success: interrupted, by the signal, with the application that never ended
      expect(summary.status).toBe('interrupted');
      expect(summary.interrupted).toMatchObject({ by: signal, unfinished: [{ guid: 'sleeper', state: 'STARTED' }] });
      expect(result.stdout).toMatch(new RegExp(`status: interrupted by ${signal} after [0-9.]+m?s \\(2 resources, 0 failures\\)`));
      expect(result.stdout).toContain('not ended when interrupted:\n  - sleeper (linux::Application) was STARTED');
      const shown = await nepi(['show', runDir]);
      expect(shown.stdout).toContain(`status: interrupted by ${signal}`);
      expect(shown.stdout).toContain('  - sleeper (linux::Application) was STARTED');
      const interruptions = readFileSync(join(runDir, 'events.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .filter((record) => record.kind === 'interrupt');
      expect(interruptions).toMatchObject([{ by: signal, unfinished: [{ guid: 'sleeper', state: 'STARTED' }] }]);
    });
  }

  it('exits at once on a second SIGINT, still killing what the run started', async () => {
    let sent = 0;
    const t0 = performance.now();
    const result = await nepi(['run', foreverFile({ slowRelease: true }), '--local-dir', dir], {
      onStdout: (text, child) => {
        if (sent === 0 && /sleeper\s+READY -> STARTED/.test(text)) {
          sent = 1;
          setTimeout(() => child.kill('SIGINT'), 300);
        }
        if (sent === 1 && text.includes('SIGINT: releasing every resource')) {
          sent = 2;
          setTimeout(() => child.kill('SIGINT'), 100);
        }
      },
    });
    expect(result.code).toBe(130);
    expect(result.stdout).not.toContain('status:');
    expect(performance.now() - t0).toBeLessThan(15_000);
    const pids = readFileSync(join(runDirOf('forever'), 'pid'), 'utf8')
      .trim()
      .split('\n')
      .map(Number);
    expect(await allGone(pids)).toBe(true);
  });
});

describe('nepi run with a relative --local-dir', () => {
  it('gives applications an absolute run directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nepi-cwd-'));
    try {
      const result = await nepi(['run', join(EXAMPLES, 'client-server.yaml'), '--local-dir', 'runs'], { cwd });
      expect(result.code).toBe(0);
      const [run] = readdirSync(join(cwd, 'runs', 'client-server'));
      expect(result.stdout).toContain(`run directory: ${join(cwd, 'runs', 'client-server', run!)}`);
      expect(readFileSync(join(cwd, 'runs', 'client-server', run!, 'server', 'stdout'), 'utf8')).toBe('HOLA\n');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
