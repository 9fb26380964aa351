/**
 * Faults of the SSH backend against a real sshd: a rejected key, a closed port, the server
 * killed while an application runs, a connection dropped and restored. Each fails (or not)
 * with an error that says what happened, nothing hangs, and nothing is left running.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveMembers } from '../../../src/backends/linux/transport/local/process-groups.js';
import { ExperimentAbortedError, ExperimentController } from '../../../src/index.js';
import { freePort, startSshd, type TestSshd } from '../../support/sshd.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { leftovers, uniqueExpId } from './helpers.js';

let sshd: TestSshd;
let proxy: TcpProxy | undefined;
let localDir: string;
let expId: string;
beforeEach(async () => {
  sshd = await startSshd();
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-faults-'));
  expId = uniqueExpId('ssh-faults');
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await sshd.stop();
  rmSync(localDir, { recursive: true, force: true });
  // what a host that went away kept (the tests that leave it say so first)
  rmSync(join(homedir(), '.nepi', expId), { recursive: true, force: true });
});

function withNode(nodeAttributes: Record<string, unknown>, app?: Record<string, unknown>) {
  const ec = new ExperimentController({ localDir, expId });
  ec.registerResource('linux::Node', nodeAttributes, { name: 'host' });
  if (app) {
    ec.registerResource('linux::Application', app, { name: 'app' });
    ec.registerConnection('host', 'app');
  }
  return ec;
}

describe('SSH faults', () => {
  it('fails the node at discover when the host rejects the key, saying so', async () => {
    const ec = withNode(sshd.node({ identity: sshd.wrongKey, critical: false }));
    ec.deploy();
    await ec.waitDeployed();
    expect(ec.getResource('host')).toMatchObject({ state: 'FAILED', step: 'discover' });
    const error = ec.getResource('host').error as Error & { reason?: string };
    expect(error.reason).toBe('auth');
    expect(error.message).toContain(`${sshd.username}@127.0.0.1:${sshd.port} rejected key ${sshd.wrongKey}`);
    await ec.shutdown();
  });

  it('fails the node at discover when nothing listens on the port, saying so', async () => {
    const port = await freePort();
    const ec = withNode(sshd.node({ port, critical: false }));
    const t0 = performance.now();
    ec.deploy();
    await ec.waitDeployed();
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(ec.getResource('host')).toMatchObject({ state: 'FAILED', step: 'discover' });
    const error = ec.getResource('host').error as Error & { reason?: string };
    expect(error.reason).toBe('unreachable');
    expect(error.message).toBe(`cannot reach ${sshd.username}@127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    await ec.shutdown();
  });

  it('connects on a retried discover once the host answers (retries)', async () => {
    proxy = await startTcpProxy(sshd.port);
    proxy.refuse(true);
    const ec = withNode(sshd.node({ port: proxy.port, retries: 3, retryDelay: '300ms' }), { command: 'echo up' });
    ec.deploy();
    setTimeout(() => proxy?.refuse(false), 150);
    await ec.waitFinished('app');
    expect(ec.state('app')).toBe('FINISHED');
    expect(await ec.trace('app', 'stdout')).toBe('up\n');
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('checks the host key against hostKey when it is set: the right one connects, another fails the node at discover', async () => {
    const good = withNode(sshd.node({ hostKey: sshd.hostKey }), { command: 'echo checked' });
    good.deploy();
    await good.waitFinished('app');
    expect(await good.trace('app', 'stdout')).toBe('checked\n');
    await good.shutdown();

    const other = 'SHA256:' + 'A'.repeat(43);
    const bad = new ExperimentController({ localDir, expId: `${expId}-bad` });
    bad.registerResource('linux::Node', sshd.node({ hostKey: other, critical: false }), { name: 'host' });
    bad.deploy();
    await bad.waitDeployed();
    expect(bad.getResource('host')).toMatchObject({ state: 'FAILED', step: 'discover' });
    const error = bad.getResource('host').error as Error & { reason?: string };
    expect(error.reason).toBe('hostkey');
    expect(error.message).toBe(`${sshd.username}@127.0.0.1:${sshd.port} presented the host key ${sshd.hostKey}, not ${other} (attribute hostKey)`);
    await bad.shutdown();
  });

  it('fails a missing key file at discover, naming the attribute', async () => {
    const ec = withNode(sshd.node({ identity: join(localDir, 'no-such-key'), critical: false }));
    ec.deploy();
    await ec.waitDeployed();
    expect(ec.getResource('host')).toMatchObject({ state: 'FAILED', step: 'discover' });
    expect(String(ec.getResource('host').error)).toContain(`cannot read the private key ${join(localDir, 'no-such-key')} (attribute identity)`);
    await ec.shutdown();
  });

  it('fails the node and its application with clear errors when sshd is killed while it runs; the experiment releases without hanging', async () => {
    const ec = withNode(sshd.node({ reconnectTimeout: '2s', keepaliveInterval: '500ms' }), { command: 'exec sleep 1000' });
    ec.deploy();
    await ec.waitStarted('app');
    const { pgid } = JSON.parse(readFileSync(join(ec.runDir, 'app', 'process.json'), 'utf8')) as { pgid: number };
    expect(liveMembers(pgid)).not.toEqual([]);
    const t0 = performance.now();
    await sshd.kill();
    const error = await ec.waitFinished().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExperimentAbortedError);
    const summary = await ec.shutdown();
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(summary.status).toBe('aborted');
    expect(ec.state('host')).toBe('RELEASED');
    expect(ec.state('app')).toBe('RELEASED');
    const byGuid = Object.fromEntries(summary.failures.map((failure) => [`${failure.guid}@${failure.step}`, String(failure.error)]));
    const lost = `lost the connection to ${sshd.username}@127.0.0.1:${sshd.port} and could not restore it within 2 s`;
    expect(byGuid['host@run']).toContain(lost);
    // the node's failure aborts the experiment; the application's run may report it first
    if (byGuid['app@run'] !== undefined) expect(byGuid['app@run']).toContain(`cannot follow process ${pgid} on its node: ${lost}`);
    // the host cannot be reached to kill it: the release says what may be left there
    expect(byGuid['app@release']).toContain(`cannot clean up on ${sshd.username}@127.0.0.1:${sshd.port}: process group ${pgid} may still run there`);
    expect(byGuid['app@release']).toContain(lost);
    // here the "host" is this machine: clean up what the unreachable host kept running
    process.kill(-pgid, 'SIGKILL');
    expect(await waitGone(pgid)).toBe(true);
    expect(existsSync(join(homedir(), '.nepi', expId, ec.runId, 'app'))).toBe(true);
  });

  it('keeps an application running across a dropped connection, and it finishes', async () => {
    proxy = await startTcpProxy(sshd.port);
    const ec = withNode(sshd.node({ port: proxy.port }), { command: 'sleep 1.5; echo done' });
    ec.deploy();
    await ec.waitStarted('app');
    const { pgid } = JSON.parse(readFileSync(join(ec.runDir, 'app', 'process.json'), 'utf8')) as { pgid: number };
    proxy.cut();
    await ec.waitFinished('app');
    expect(ec.state('app')).toBe('FINISHED');
    expect(ec.state('host')).toBe('STARTED');
    expect(proxy.accepted).toBeGreaterThanOrEqual(2);
    await ec.shutdown();
    expect(readFileSync(join(ec.runDir, 'app', 'stdout'), 'utf8')).toBe('done\n');
    expect(await waitGone(pgid)).toBe(true);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('fails the node when the connection drops and cannot be restored in reconnectTimeout', async () => {
    proxy = await startTcpProxy(sshd.port);
    const ec = withNode(sshd.node({ port: proxy.port, reconnectTimeout: '1s', critical: false }));
    ec.deploy();
    await ec.waitStarted('host');
    proxy.refuse(true);
    proxy.cut();
    await ec.waitFinished('host');
    expect(ec.getResource('host')).toMatchObject({ state: 'FAILED', step: 'run' });
    expect(String(ec.getResource('host').error)).toContain(
      `lost the connection to ${sshd.username}@127.0.0.1:${proxy.port} and could not restore it within 1 s`,
    );
    await ec.shutdown();
  });
});

async function waitGone(pgid: number, ms = 5000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (liveMembers(pgid).length > 0) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
