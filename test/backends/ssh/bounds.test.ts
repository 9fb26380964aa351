/**
 * Every remote operation ends: a host that stops answering while the connection stays up (a
 * proxy that holds what the server sends), a command that leaves a process holding its
 * output, an abort at any stage. The session's place (maxSessions) is given back each time.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SshTimeoutError } from '../../../src/backends/linux/transport/ssh/errors.js';
import type { HostOptions } from '../../../src/backends/linux/transport/ssh/host-options.js';
import { SshHost } from '../../../src/backends/linux/transport/ssh/host.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { until } from './helpers.js';

let sshd: TestSshd;
let proxy: TcpProxy;
let dir: string;
const hosts: SshHost[] = [];
beforeAll(async () => {
  sshd = await startSshd();
  proxy = await startTcpProxy(sshd.port);
  dir = mkdtempSync(join(tmpdir(), 'nepi-bounds-'));
});
afterEach(() => {
  proxy.hold(false);
  for (const host of hosts.splice(0)) host.close();
});
afterAll(async () => {
  await proxy?.close();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A host behind the proxy that answers each operation within 500 ms or fails it; keepalives far apart, so a held connection is not dropped meanwhile. */
async function connected(extra: Partial<HostOptions> = {}): Promise<SshHost> {
  const username = userInfo().username;
  const host = new SshHost({
    hostname: '127.0.0.1',
    port: proxy.port,
    username,
    identity: sshd.node()['identity'] as string,
    gateway: undefined,
    gatewayUser: username,
    hostKey: undefined,
    connectTimeout: 5000,
    maxSessions: 2,
    keepaliveInterval: 60_000,
    reconnectTimeout: 1000,
    operationTimeout: 500,
    exitCheckInterval: 10_000,
    ...extra,
  });
  hosts.push(host);
  await host.connect();
  return host;
}

/** How long `promise` took to settle, and how. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const t0 = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

function killPidFile(path: string): void {
  try {
    process.kill(Number(readFileSync(path, 'utf8').trim()), 'SIGKILL');
  } catch {
    /* never started, or gone */
  }
}

describe('bounded SSH operations', () => {
  it('fails a session that does not open within operationTimeout with an SshTimeoutError naming the host and the command, and gives its place back', async () => {
    const host = await connected();
    proxy.hold(true);
    const { ms, error } = await timed(host.exec('echo hi'));
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect(error).toMatchObject({ target: host.target, operation: "open a session for 'echo hi'", timeout: 500, attribute: 'operationTimeout' });
    expect((error as Error).message).toBe(`${host.target} did not answer within 500 ms (operationTimeout): open a session for 'echo hi'`);
    expect(ms).toBeLessThan(2000);
    expect(host.sessions.active).toBe(0);
    // the host answers again: the late session is closed, and the next command runs
    proxy.hold(false);
    expect((await host.exec('echo again')).stdout).toBe('again\n');
    expect(host.sessions.active).toBe(0);
  });

  it('ends an exec at once when its signal aborts while the session opens', async () => {
    const host = await connected({ operationTimeout: 30_000 });
    proxy.hold(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the step was aborted')), 100);
    const { ms, error } = await timed(host.exec('true', { signal: controller.signal }));
    expect((error as Error).message).toBe('the step was aborted');
    expect(ms).toBeLessThan(1000);
    expect(host.sessions.active).toBe(0);
  });

  it('ends an exec at once when its signal aborts while the command runs, closing its session', async () => {
    const host = await connected({ operationTimeout: 30_000 });
    const pidFile = join(dir, 'aborted.pid');
    try {
      const controller = new AbortController();
      const running = timed(host.exec(`echo $$ > ${pidFile}; exec sleep 30`, { signal: controller.signal }));
      await until(() => readFileSync(pidFile, { flag: 'a+' }).length > 0, 'the command to start');
      // and the host stops answering: the abort must not wait for it to confirm the close
      proxy.hold(true);
      controller.abort(new Error('released'));
      const { ms, error } = await running;
      expect((error as Error).message).toBe('released');
      expect(ms).toBeLessThan(1000);
      expect(host.sessions.active).toBe(0);
    } finally {
      killPidFile(pidFile);
    }
  });

  it('resolves a command whose session stays open after it ended (a process holds its output) within operationTimeout, and closes the session', async () => {
    const host = await connected({ operationTimeout: 800 });
    const pidFile = join(dir, 'holder.pid');
    try {
      const { ms, value } = await timed(host.exec(`sleep 30 & echo $! > ${pidFile}; echo started`));
      expect(value).toMatchObject({ code: 0, stdout: 'started\n' });
      expect(ms).toBeGreaterThanOrEqual(700);
      expect(ms).toBeLessThan(3000);
      expect(host.sessions.active).toBe(0);
    } finally {
      killPidFile(pidFile);
    }
  });

  it("fails one of nepi's short commands that runs past operationTimeout, naming what it was for", async () => {
    const host = await connected();
    const { ms, error } = await timed(host.execShort('sleep 5', 'a nap'));
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect((error as Error).message).toBe(`${host.target} did not answer within 500 ms (operationTimeout): run a nap`);
    expect(ms).toBeLessThan(2000);
    expect(host.sessions.active).toBe(0);
  });

  it('fails a command that goes quiet for longer than its idleTimeout, however long it has run', async () => {
    const host = await connected({ operationTimeout: 5000 });
    const { error: quiet } = await timed(host.exec('for i in 1 2 3 4 5 6; do echo $i; sleep 0.2; done; sleep 5', { idleTimeout: 600, what: 'the stream' }));
    expect((quiet as Error).message).toBe(`${host.target} did not answer within 600 ms (operationTimeout): run the stream (no progress)`);
    const { value } = await timed(host.exec('for i in 1 2 3 4 5 6; do echo $i; sleep 0.2; done', { idleTimeout: 600 }));
    expect(value).toMatchObject({ code: 0, stdout: '1\n2\n3\n4\n5\n6\n' });
  });

  it('fails a stream to the host that the host stops taking in for longer than its idleTimeout, however long the stream', async () => {
    const host = await connected({ operationTimeout: 5000 });
    // a stream that takes about 2.4 s in all, a 64 KB piece every 40 ms: far longer than its
    // idleTimeout, each piece well within it (a pace the host keeps up with however loaded the
    // machine; a 32 MB burst can wait a second and more for a busy sshd to take it in, which is
    // no progress, rightly failed)
    const paced = new Readable({ read() {} });
    let sent = 0;
    const pacer = setInterval(() => {
      paced.push(sent++ < 60 ? Buffer.alloc(65536, 120) : null);
      if (sent > 60) clearInterval(pacer);
    }, 40);
    const { ms: took, value } = await timed(host.exec('wc -c', { stdin: paced, idleTimeout: 1000 }));
    clearInterval(pacer);
    expect(value).toMatchObject({ code: 0, stdout: `${60 * 65536}\n` });
    expect(took).toBeGreaterThan(2000);
    // 32 MB in 64 KB pieces, far more than the channel's window: once the stream began the host
    // stops answering, its window runs out, nothing more goes
    let left = 512;
    const burst = new Readable({
      read() {
        if (left === 512) proxy.hold(true);
        this.push(left-- > 0 ? Buffer.alloc(65536, 120) : null);
      },
    });
    const { ms, error } = await timed(host.exec('wc -c', { stdin: burst, idleTimeout: 500, what: 'the upload' }));
    expect((error as Error).message).toBe(`${host.target} did not answer within 500 ms (operationTimeout): run the upload (no progress)`);
    expect(ms).toBeLessThan(3000);
    expect(host.sessions.active).toBe(0);
  });

  it('fails an SFTP request that gets no answer within operationTimeout, and opens a new SFTP channel for the next', async () => {
    const host = await connected();
    const stat = () => host.sftpCall<{ size: number }>('stat /etc/hostname', (sftp, cb) => sftp.stat('/etc/hostname', cb));
    expect((await stat()).size).toBeGreaterThan(0);
    const first = await host.sftp();
    proxy.hold(true);
    const { ms, error } = await timed(stat());
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect((error as Error).message).toBe(`${host.target} did not answer within 500 ms (operationTimeout): SFTP stat /etc/hostname`);
    expect(ms).toBeLessThan(2000);
    proxy.hold(false);
    expect((await stat()).size).toBeGreaterThan(0);
    expect(await host.sftp()).not.toBe(first);
  });

  it('fails an SFTP channel that does not open within operationTimeout', async () => {
    const host = await connected();
    proxy.hold(true);
    const { ms, error } = await timed(host.sftp());
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect((error as Error).message).toBe(`${host.target} did not answer within 500 ms (operationTimeout): open the SFTP channel`);
    expect(ms).toBeLessThan(2000);
    proxy.hold(false);
    expect(await host.sftp()).toBeDefined();
  });

  it('reports the end of a watched process over a real monitor, and again after the monitor was cut off and reopened', async () => {
    const host = await connected({ operationTimeout: 1000 });
    const exitFile = join(dir, 'watched-exit');
    const launch = await host.exec(`(sleep 1; echo 4 > ${exitFile}) > /dev/null 2>&1 & echo $!`);
    const pid = Number(launch.stdout.trim());
    const ended = host.watch({ pid, startTime: '', exitFile });
    // the host stops answering for longer than operationTimeout: the watch's re-sends go unacknowledged, the monitor is reopened
    proxy.hold(true);
    await new Promise((resolve) => setTimeout(resolve, 1800));
    proxy.hold(false);
    expect(await ended).toEqual({ code: 4, signal: null });
  });
});
