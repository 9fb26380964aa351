/**
 * The cleanup guarantee: a run interrupted by SIGINT releases everything; one whose
 * controller is killed with SIGKILL leaves its namespaces (and the processes in them), and
 * `nepi clean RUN_DIR` removes exactly those; `nepi clean --all` removes what has nepi's
 * names and nothing else.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runTag } from '../../../src/backends/netns/names.js';
import { BIN } from '../../cli/cli.js';
import { leftovers, netnsTestDir, runDirsUnder } from './support.js';

const dir = netnsTestDir('cleanup');

const EXPERIMENT = `
expId: EXP
resources:
  h1: { type: netns::Node }
  h2: { type: netns::Node }
  link: { type: netns::Link, connect: [h1, h2] }
  sw: { type: netns::Switch, connect: [h1, h2] }
  app:
    type: linux::Application
    connect: [h1]
    attributes: { command: 'echo $$ > \${APP_DIR}/pid; exec sleep 1000' }
`;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `nepi ARGS` in a child process; `onStarted` is called once `app` is STARTED. */
function nepi(
  args: readonly string[],
  options: { env?: Record<string, string>; onStarted?: (kill: (signal: NodeJS.Signals) => void) => unknown } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    let told = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!told && /app\s+READY -> STARTED/.test(stdout)) {
        told = true;
        options.onStarted?.((signal) => child.kill(signal));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function experimentFile(expId: string): string {
  const path = join(dir.path, `${expId}.yaml`);
  writeFileSync(path, EXPERIMENT.replace('EXP', expId));
  return path;
}

function runDirOf(expId: string): string {
  const [runDir] = runDirsUnder(dir.path).filter((d) => d.includes(`/${expId}/`));
  if (!runDir) throw new Error(`no run directory for ${expId}`);
  return runDir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}

async function pidOf(runDir: string): Promise<number> {
  const path = join(runDir, 'app', 'pid');
  for (let i = 0; i < 500 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
  return Number(readFileSync(path, 'utf8'));
}

/** Send `signal` to the controller once the app of run `expId` wrote its pid. */
function killOnceRunning(expId: string, signal: NodeJS.Signals) {
  return async (kill: (signal: NodeJS.Signals) => void) => {
    await pidOf(runDirOf(expId));
    kill(signal);
  };
}

describe('nothing is left behind', () => {
  it('SIGINT releases every namespace, link, switch and process, and exits 130', async () => {
    const result = await nepi(['run', experimentFile('sigint'), '--local-dir', dir.path], { onStarted: killOnceRunning('sigint', 'SIGINT') });
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('SIGINT: releasing every resource');
    const runDir = runDirOf('sigint');
    expect(alive(await pidOf(runDir))).toBe(false);
    expect(leftovers([runDir])).toEqual([]);
  });

  it('after SIGKILL of the controller, nepi clean RUN_DIR removes what the run left, processes included', async () => {
    const result = await nepi(['run', experimentFile('sigkill'), '--local-dir', dir.path], { onStarted: killOnceRunning('sigkill', 'SIGKILL') });
    expect(result.signal).toBe('SIGKILL');
    const runDir = runDirOf('sigkill');
    const pid = await pidOf(runDir);
    // the controller died with everything in place: three namespaces, the app inside h1
    const left = leftovers([runDir]);
    const tag = runTag(runDir);
    expect(left.sort()).toEqual([`namespace nepi-${tag}-h1`, `namespace nepi-${tag}-h2`, `namespace nepi-${tag}-sw`].map((n) => expect.stringContaining(n)));
    expect(alive(pid)).toBe(true);

    const clean = await nepi(['clean', runDir]);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    // other backends' cleaners may report their share (the local one: the app's process group)
    expect(
      clean.stdout
        .split('\n')
        .filter((l) => l.startsWith('removed') && l.endsWith('(netns)'))
        .sort(),
    ).toEqual([
      `removed network namespace nepi-${tag}-h1 (netns)`,
      `removed network namespace nepi-${tag}-h2 (netns)`,
      `removed network namespace nepi-${tag}-sw (netns)`,
    ]);
    expect(leftovers([runDir])).toEqual([]);
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
    expect(alive(pid)).toBe(false);

    // a second clean finds nothing
    const again = await nepi(['clean', runDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`nothing of nepi's left in ${runDir}\n`);
  });

  it("nepi clean --all removes what has nepi's names, and leaves other namespaces alone", async () => {
    // a prefix of this test's own, so that runs of other tests going on meanwhile are safe
    const prefix = `nt${process.pid.toString(36)}`;
    const env = { NEPI_NETNS_PREFIX: prefix };
    const decoys = [`${prefix}-decoy`, `${prefix}-1234567-x`, `${prefix}x-12345678-x`];
    for (const name of decoys) execFileSync('ip', ['netns', 'add', name]);
    try {
      const result = await nepi(['run', experimentFile('all'), '--local-dir', dir.path], { env, onStarted: killOnceRunning('all', 'SIGKILL') });
      expect(result.signal).toBe('SIGKILL');
      const runDir = runDirOf('all');
      const tag = runTag(runDir);
      const ours = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`${prefix}-${tag}-`));
      expect(ours).toHaveLength(3);

      const clean = await nepi(['clean', '--all'], { env });
      expect(clean.code).toBe(0);
      expect(clean.stdout).toContain(`removed network namespace ${prefix}-${tag}-h1 (netns)`);
      const after = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      expect(after).not.toContain(`${prefix}-${tag}-`);
      for (const name of decoys) expect(after).toContain(name);
    } finally {
      for (const name of decoys) execFileSync('ip', ['netns', 'del', name]);
    }
  });

  it("nepi clean RUN_DIR leaves alone a namespace its ledger names that is not of nepi's form, and says so", async () => {
    const foreign = `ntforeign${process.pid.toString(36)}`;
    const runDir = join(dir.path, 'forged', 'run');
    mkdirSync(join(runDir, 'ledger'), { recursive: true });
    writeFileSync(join(runDir, 'ledger', 'netns.ndjson'), `${JSON.stringify({ kind: 'netns', name: foreign, guid: 'h1' })}\n`);
    execFileSync('ip', ['netns', 'add', foreign]);
    try {
      const clean = await nepi(['clean', runDir]);
      expect(clean.code).toBe(1);
      expect(clean.stderr).toContain(`nepi clean: netns: the ledger names network namespace '${foreign}', which is not of nepi's form`);
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(foreign);
    } finally {
      execFileSync('ip', ['netns', 'del', foreign]);
    }
  });

  it('a controller that exits without releasing (process.exit) deletes its namespaces on the way out', async () => {
    const index = new URL('../../../dist/src/index.js', import.meta.url).href;
    const script = `
      import { ExperimentController } from ${JSON.stringify(index)};
      const ec = new ExperimentController({ localDir: ${JSON.stringify(dir.path)}, expId: 'exit' });
      ec.registerResource('netns::Node', {}, { name: 'h1' });
      ec.registerResource('netns::Node', {}, { name: 'h2' });
      ec.registerResource('netns::Link', {}, { name: 'link' });
      ec.registerConnection('link', 'h1');
      ec.registerConnection('link', 'h2');
      ec.deploy();
      await ec.waitDeployed();
      console.log('deployed');
      process.exit(3);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stdout).toBe('deployed\n');
    expect(code).toBe(3);
    const runDir = runDirOf('exit');
    expect(
      readFileSync(join(runDir, 'ledger', 'netns.ndjson'), 'utf8')
        .split('\n')
        .filter(Boolean),
    ).toHaveLength(3);
    expect(leftovers([runDir])).toEqual([]);
  });

  it('nepi clean needs a run directory or --all, and says so', async () => {
    const none = await nepi(['clean']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nepi clean needs a run directory or --all');
    const missing = await nepi(['clean', join(dir.path, 'no-such-run')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a run directory');
  });
});
