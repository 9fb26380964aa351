import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { restartsAndAppends } from '../restart-case.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, uniqueExpId, until } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
let expId: string;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-app-'));
  expId = uniqueExpId('ssh-app');
});
afterEach(() => rmSync(localDir, { recursive: true, force: true }));

function experiment(apps: Record<string, Record<string, unknown>>, nodeAttributes: Record<string, unknown> = {}) {
  const ec = new ExperimentController({ localDir, expId });
  const node = ec.registerResource('linux::Node', sshd.node(nodeAttributes), { name: 'host' });
  for (const [name, attributes] of Object.entries(apps)) {
    ec.registerResource('linux::Application', attributes, { name });
    ec.registerConnection(node, name);
  }
  return ec;
}

describe('linux::Application on a remote linux::Node', () => {
  it('runs in ~/.nepi/<expId>/<runId>/<guid>/ on the host, detached, and records it in process.json', async () => {
    const ec = experiment({ app: { command: 'pwd; echo $NEPI_APP_DIR ${APP_DIR}; ps -o sid= -p $$; echo oops >&2' } });
    ec.deploy();
    await ec.waitFinished('app');
    expect(ec.state('app')).toBe('FINISHED');
    const remoteDir = join(homedir(), '.nepi', expId, ec.runId, 'app');
    const [pwd, dirs, sid] = (await ec.trace('app', 'stdout')).split('\n');
    expect(pwd).toBe(remoteDir);
    expect(dirs).toBe(`${remoteDir} ${remoteDir}`);
    const record = JSON.parse(readFileSync(join(ec.runDir, 'app', 'process.json'), 'utf8'));
    expect(record).toMatchObject({ host: '127.0.0.1', pgid: record.pid, exitFile: join(remoteDir, 'exit-status') });
    expect(record.startTime).toMatch(/^\d+$/);
    // its own session, led by the wrapper: not the SSH session's
    expect(Number(sid)).toBe(record.pid);
    expect(await ec.trace('app', 'stderr')).toBe('oops\n');
    await ec.shutdown();
    // copied into the local run directory at release, and removed from the host
    expect(readFileSync(join(ec.runDir, 'app', 'stderr'), 'utf8')).toBe('oops\n');
    expect(existsSync(remoteDir)).toBe(false);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('streams stdout from the host while the application runs', async () => {
    const ec = experiment({ app: { command: 'echo first; while [ ! -e go ]; do sleep 0.05; done; echo second' } });
    ec.deploy();
    await ec.waitStarted('app');
    await until(async () => (await ec.trace('app', 'stdout')) === 'first\n', 'the first line to be read from the host');
    expect(await ec.trace('app', 'stdout', { attr: 'size' })).toBe(6);
    expect(await ec.trace('app', 'stdout', { attr: 'stream', block: 3, offset: 1 })).toBe('st\n');
    // the local copy is not written while it runs: the text came from the host
    expect(existsSync(join(ec.runDir, 'app', 'stdout'))).toBe(false);
    writeFileSync(join(homedir(), '.nepi', expId, ec.runId, 'app', 'go'), '');
    await ec.waitFinished('app');
    expect(await ec.trace('app', 'stdout')).toBe('first\nsecond\n');
    await ec.shutdown();
    expect(await ec.trace('app', 'stdout')).toBe('first\nsecond\n');
    expect(readFileSync(join(ec.runDir, 'app', 'stdout'), 'utf8')).toBe('first\nsecond\n');
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('starts a STOPPED application again on the host: its command runs again and its traces go on', () => restartsAndAppends(experiment));

  it('fails an application that exits non-zero, with the code and the end of its stderr', async () => {
    const ec = experiment({ app: { command: 'echo first >&2; echo "no such file" >&2; exit 3', critical: false } });
    ec.deploy();
    await ec.waitFinished('app');
    expect(ec.getResource('app')).toMatchObject({ state: 'FAILED', step: 'run' });
    expect(String(ec.getResource('app').error)).toContain('command exited with code 3; stderr ends with:\nfirst\nno such file');
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('reports a signal that killed the command', async () => {
    const ec = experiment({ app: { command: 'kill -KILL $$', critical: false } });
    ec.deploy();
    await ec.waitFinished('app');
    expect(String(ec.getResource('app').error)).toContain('command was killed by SIGKILL');
    await ec.shutdown();
  });

  it('passes env, stdin and workdir', async () => {
    const ec = experiment({
      app: { command: 'echo "$GREETING $(cat) $(pwd)"', env: { GREETING: "it's" }, stdin: 'from-stdin', workdir: '/tmp' },
    });
    ec.deploy();
    await ec.waitFinished('app');
    expect(await ec.trace('app', 'stdout')).toBe("it's from-stdin /tmp\n");
    await ec.shutdown();
  });

  it('stops with SIGTERM, then kills the whole group after stopTimeout', async () => {
    const ec = experiment({
      polite: { command: "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.05; done" },
      stubborn: { command: "trap '' TERM; sleep 1000 & while true; do sleep 0.05; done", stopTimeout: '500ms' },
    });
    ec.deploy();
    await ec.waitStarted();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const t0 = performance.now();
    ec.stop('polite');
    ec.stop('stubborn');
    await ec.waitFinished(['polite', 'stubborn']);
    const elapsed = performance.now() - t0;
    expect(ec.state('polite')).toBe('STOPPED');
    expect(ec.state('stubborn')).toBe('STOPPED');
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(10_000);
    expect(await ec.trace('polite', 'stdout')).toBe('got-term\n');
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('kills a whole process tree at release', async () => {
    const ec = experiment({ app: { command: 'sleep 1000 & sleep 1000 & wait' } });
    ec.deploy();
    await ec.waitStarted('app');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await ec.shutdown();
    expect(ec.state('app')).toBe('RELEASED');
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('uploads files and folders before start and runs depends once per node before its first application', async () => {
    // every assertion is on a real effect: an application without files or depends fails each
    const source = join(localDir, 'payload.txt');
    writeFileSync(source, 'payload\n');
    const folder = join(localDir, 'tree');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'sub', 'deep.txt'), 'deep\n');
    const marker = join(localDir, 'depends-runs');
    // the depends command runs in the run's folder on the host, before any application starts
    const depends = `pwd >> ${marker}`;
    const command = `cat payload.txt tree/sub/deep.txt ${marker}`;
    const ec = experiment({
      a: { command, files: `${source},${folder}`, depends },
      b: { command, files: `${source}\n${folder}`, depends },
    });
    ec.deploy();
    await ec.waitFinished(['a', 'b']);
    expect(ec.state('a')).toBe('FINISHED');
    expect(ec.state('b')).toBe('FINISHED');
    const remoteRun = join(homedir(), '.nepi', expId, ec.runId);
    // on the host, in each application's folder, byte for byte
    for (const app of ['a', 'b']) {
      expect(readFileSync(join(remoteRun, app, 'payload.txt'), 'utf8')).toBe('payload\n');
      expect(readFileSync(join(remoteRun, app, 'tree', 'sub', 'deep.txt'), 'utf8')).toBe('deep\n');
      expect(await ec.trace(app, 'stdout')).toBe(`payload\ndeep\n${remoteRun}\n`);
    }
    // once for the node, in the run's folder
    expect(readFileSync(marker, 'utf8')).toBe(`${remoteRun}\n`);
    await ec.shutdown();
    const events = readFileSync(join(ec.runDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind?: string; guid: string; to: string });
    const a = events.filter((event) => event.kind === undefined && event.guid === 'a').map((event) => event.to);
    // provision (the uploads) before deploy (depends) before start
    expect(a.indexOf('PROVISIONED')).toBeLessThan(a.indexOf('READY'));
    expect(a.indexOf('READY')).toBeLessThan(a.indexOf('STARTED'));
    expect(a.indexOf('PROVISIONED')).toBeGreaterThan(-1);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('fails at provision when a file is missing, and at deploy when a depends command fails, saying which', async () => {
    const ec = experiment({
      nofile: { command: 'true', files: join(localDir, 'missing.bin'), critical: false },
      baddep: { command: 'true', depends: 'echo cannot install >&2; exit 4', critical: false },
    });
    ec.deploy();
    await ec.waitFinished(['nofile', 'baddep']);
    expect(ec.getResource('nofile')).toMatchObject({ state: 'FAILED', step: 'provision' });
    expect(String(ec.getResource('nofile').error)).toContain(`file '${join(localDir, 'missing.bin')}' (attribute files) does not exist`);
    expect(ec.getResource('baddep')).toMatchObject({ state: 'FAILED', step: 'deploy' });
    expect(String(ec.getResource('baddep').error)).toContain("depends command 'echo cannot install >&2; exit 4' exited with code 4 on");
    expect(String(ec.getResource('baddep').error)).toContain('cannot install');
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });
});
