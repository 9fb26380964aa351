/**
 * `nepi exec`, `nepi shell` and `nepi inspect` on a running experiment, through the real CLI:
 * a local linux::Node, netns::Nodes (as root) and a linux::Node over SSH (the test sshd).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { BIN, nepi, type CliResult } from './cli.js';

let dir: string;
let sshd: TestSshd;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-exec-'));
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Start `nepi run` on `yaml` and wait until `ready` (a resource) is STARTED; stop() interrupts it and gives its result. */
async function running(name: string, yaml: string[], ready: string): Promise<{ runDir: string; stop: () => Promise<CliResult> }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`expId: ${name}`, 'resources:', ...yaml, ''].join('\n'));
  const child = spawn(process.execPath, [BIN, 'run', file, '--local-dir', join(dir, 'runs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const started = new RegExp(`${ready}\\s+READY -> STARTED`);
  const deadline = Date.now() + 30_000;
  while (!started.test(stdout)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start ${ready}: ${stdout}${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const [runId] = readdirSync(join(dir, 'runs', name));
  return {
    runDir: join(dir, 'runs', name, runId!),
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** `nepi shell RUN_DIR NODE ...` fed `input` on stdin (not a terminal: the shell reads its commands from it). */
function shell(args: readonly string[], input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'shell', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const SLEEPER = (node: string) => [
  '  sleeper:',
  '    type: linux::Application',
  `    connect: [${node}]`,
  '    attributes: { command: "echo here > mark; sleep 60" }',
];

describe('nepi exec, shell and inspect', () => {
  it('on a local node: runs in the run directory, passes the exit code, and refuses what cannot be reached', async () => {
    const run = await running('local', ['  node: { type: linux::Node }', ...SLEEPER('node')], 'sleeper');
    try {
      const exec = await nepi(['exec', run.runDir, 'node', '--', 'sh', '-c', 'pwd; cat sleeper/mark; exit 3']);
      expect(exec.code).toBe(3);
      expect(exec.stdout).toBe(`${run.runDir}\nhere\n`);
      const line = await nepi(['exec', run.runDir, 'node', 'echo one | tr o O']);
      expect(line).toMatchObject({ code: 0, stdout: 'One\n' });
      // a shell reads its commands from stdin when it is not a terminal
      const here = await shell([run.runDir, 'node'], 'echo "in $PWD"; exit 4\n');
      expect(here.code).toBe(4);
      expect(here.stdout).toContain(`in ${run.runDir}`);

      const inspect = await nepi(['inspect', run.runDir]);
      expect(inspect.code).toBe(0);
      expect(inspect.stdout).toMatch(/^local\/\S+: running \(controller pid \d+\), 2 resources$/m);
      expect(inspect.stdout).toMatch(/^node\s+linux::Node\s+STARTED\s+this host$/m);
      expect(inspect.stdout).toMatch(/^\s+lo\s+\S+\s+127\.0\.0\.1\/8/m);
      expect(inspect.stdout).toMatch(/^sleeper\s+linux::Application\s+STARTED\s+on node$/m);
      // show, while the run goes on, is inspect
      expect((await nepi(['show', run.runDir])).stdout).toBe(inspect.stdout);

      const app = await nepi(['exec', run.runDir, 'sleeper', '--', 'true']);
      expect(app.code).toBe(2);
      expect(app.stderr).toContain("'sleeper' is a linux::Application, not a node nepi can reach; the nodes of this run: node");
      const typo = await nepi(['exec', run.runDir, 'nod', '--', 'true']);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain("has no resource 'nod' - did you mean 'node'? (its nodes: node)");
    } finally {
      expect((await run.stop()).code).toBe(130);
    }
    const ended = await nepi(['exec', run.runDir, 'node', '--', 'true']);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toContain('has ended (status interrupted): its nodes were released');
    expect((await nepi(['inspect', run.runDir])).stdout).toMatch(/^node\s+linux::Node\s+RELEASED\s+this host$/m);
  }, 60_000);

  it('on network namespaces: inside the namespace, with the addresses nepi assigned, printed again at the end', async () => {
    const run = await running(
      'netns',
      ['  h1: { type: netns::Node }', '  h2: { type: netns::Node }', '  link: { type: netns::Link, connect: [h1, h2] }', ...SLEEPER('h1')],
      'sleeper',
    );
    let end: CliResult;
    try {
      const addresses = await nepi(['exec', run.runDir, 'h1', 'ip -brief -4 address show']);
      expect(addresses.code, addresses.stderr).toBe(0);
      expect(addresses.stdout).toMatch(/10\.0\.0\.1\/30/);
      expect(addresses.stdout).not.toMatch(/eth0/); // not this host's interfaces
      const ping = await nepi(['exec', run.runDir, 'h1', '--', 'ping', '-c', '1', '-W', '2', '10.0.0.2']);
      expect(ping.code, ping.stdout + ping.stderr).toBe(0);
      // a shell in h2's namespace: its interfaces, not this host's
      const inside = await shell([run.runDir, 'h2'], 'ip -brief -4 address show; exit 6\n');
      expect(inside.code, inside.stderr).toBe(6);
      expect(inside.stdout).toMatch(/10\.0\.0\.2\/30/);
      expect(inside.stdout).not.toMatch(/eth0/);
      const inspect = await nepi(['inspect', run.runDir, '--json']);
      const h2 = (JSON.parse(inspect.stdout) as { resources: { guid: string; where?: string; interfaces?: { addresses: string[] }[] }[] }).resources.find(
        (r) => r.guid === 'h2',
      )!;
      expect(h2.where).toMatch(/^namespace nepi-/);
      expect(h2.interfaces!.flatMap((i) => i.addresses)).toContain('10.0.0.2/30');
    } finally {
      end = await run.stop();
    }
    expect(end.stdout).toMatch(/^addresses:\n {2}h1: 10\.0\.0\.1\/30\n {2}h2: 10\.0\.0\.2\/30$/m);
    const summary = JSON.parse(readFileSync(join(run.runDir, 'summary.json'), 'utf8')) as { addresses: Record<string, string[]> };
    expect(summary.addresses).toEqual({ h1: ['10.0.0.1/30'], h2: ['10.0.0.2/30'] });
    expect((await nepi(['inspect', run.runDir])).stdout).toMatch(/^\s+addresses assigned: 10\.0\.0\.2\/30$/m);
  }, 60_000);

  it('on a node over SSH: in its folder on the host, with the OpenSSH options given', async () => {
    const attributes = Object.entries(sshd.node())
      .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
      .join(', ');
    const run = await running('remote', [`  remote: { type: linux::Node, attributes: { ${attributes} } }`, ...SLEEPER('remote')], 'sleeper');
    const known = join(dir, 'known_hosts');
    const options = ['--ssh-option', `UserKnownHostsFile=${known}`];
    try {
      const exec = await nepi(['exec', run.runDir, 'remote', ...options, '--', 'sh', '-c', 'pwd; cat sleeper/mark']);
      expect(exec.code, exec.stderr).toBe(0);
      const [folder, mark] = exec.stdout.trim().split('\n');
      expect(folder).toMatch(/\/\.nepi\/remote\/[^/]+$/);
      expect(mark).toBe('here');
      // the host key was accepted once and recorded where we said
      expect(existsSync(known)).toBe(true);
      expect((await nepi(['exec', run.runDir, 'remote', ...options, 'exit 5'])).code).toBe(5);
      // a login shell on the host, in the run's folder there
      const there = await shell([run.runDir, 'remote', ...options], 'pwd; cat sleeper/mark; exit 7\n');
      expect(there.code, there.stderr).toBe(7);
      expect(there.stdout.trim().split('\n').slice(-2)).toEqual([folder, 'here']);
      const inspect = await nepi(['inspect', run.runDir, ...options]);
      expect(inspect.stdout).toMatch(new RegExp(`^remote\\s+linux::Node\\s+STARTED\\s+\\S+@127\\.0\\.0\\.1:${String(sshd.node()['port'])}$`, 'm'));
      expect(inspect.stdout).toMatch(/^\s+lo\s+\S+\s+127\.0\.0\.1\/8/m);
    } finally {
      expect((await run.stop()).code).toBe(130);
    }
  }, 60_000);
});
