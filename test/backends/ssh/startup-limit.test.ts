/**
 * Many nodes on one host: sshd drops handshakes once more than `MaxStartups` are not yet
 * authenticated (stock OpenSSH: from 10 on). The test sshd is started with `MaxStartups
 * 3:100:3` (drop every new connection while 3 are unauthenticated), and 16 nodes dial it in
 * one experiment: with the handshakes per address limited below that, every node starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { DEFAULT_MAX_STARTUPS, MAX_STARTUPS_ENV, maxStartups, startupSlots } from '../../../src/backends/ssh/startup-limit.js';
import { SshHost } from '../../../src/backends/ssh/host.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, uniqueExpId, until } from './helpers.js';

const NODES = 16;
/** Below the server's 3: the server learns of an authentication a moment after the client. */
const LIMIT = '2';

let sshd: TestSshd;
let localDir: string;
let expId: string;
const saved = process.env[MAX_STARTUPS_ENV];
/** The experiment of the running test, shut down after it even when it failed midway. */
let current: ExperimentController | undefined;
beforeAll(async () => {
  sshd = await startSshd({ maxStartups: '3:100:3' });
});
afterAll(async () => sshd?.stop());
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-startups-'));
  expId = uniqueExpId('ssh-startups');
});
afterEach(async () => {
  await current?.shutdown();
  current = undefined;
  rmSync(localDir, { recursive: true, force: true });
  if (saved === undefined) delete process.env[MAX_STARTUPS_ENV];
  else process.env[MAX_STARTUPS_ENV] = saved;
});

describe('SSH handshakes per address', () => {
  it('reads the limit from NEPI_SSH_MAX_STARTUPS (default 8) and refuses a bad one', () => {
    expect(maxStartups({})).toBe(DEFAULT_MAX_STARTUPS);
    expect(DEFAULT_MAX_STARTUPS).toBe(8);
    expect(maxStartups({ [MAX_STARTUPS_ENV]: '3' })).toBe(3);
    expect(() => maxStartups({ [MAX_STARTUPS_ENV]: '0' })).toThrow(`${MAX_STARTUPS_ENV} must be a positive integer`);
    expect(() => maxStartups({ [MAX_STARTUPS_ENV]: 'many' })).toThrow('got `many`');
  });

  it(`starts ${NODES} nodes on one host whose sshd drops handshakes beyond 3 at once`, async () => {
    process.env[MAX_STARTUPS_ENV] = LIMIT;
    const ec = (current = new ExperimentController({ localDir, expId }));
    const names = Array.from({ length: NODES }, (_, i) => `n${i}`);
    for (const name of names) {
      // not critical: a node that fails is counted below, and does not stop the others
      ec.registerResource('linux::Node', sshd.node({ critical: false }), { name });
      ec.registerResource('linux::Application', { command: `echo ${name}` }, { name: `${name}app` });
      ec.registerConnection(name, `${name}app`);
    }
    ec.deploy();
    await ec.waitFinished(names.map((name) => `${name}app`));
    const failed = names.filter((name) => ec.state(name) !== 'STARTED').map((name) => `${name}: ${ec.state(name)} ${String(ec.getResource(name).error ?? '')}`);
    expect(failed).toEqual([]);
    for (const name of names) {
      expect(ec.state(`${name}app`)).toBe('FINISHED');
      expect(await ec.trace(`${name}app`, 'stdout')).toBe(`${name}\n`);
    }
    // the handshakes did wait for one another, process-wide (every node its own connection)
    const slots = startupSlots(`127.0.0.1:${sshd.port}`);
    expect(slots.limit).toBe(Number(LIMIT));
    expect(slots.peak).toBe(Number(LIMIT));
    expect(slots.active).toBe(0);
    await ec.shutdown();
    for (const name of names) expect(ec.state(name)).toBe('RELEASED');
    await until(() => sshd.sessions().length === 0, 'the sessions to close', 10_000);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  }, 60_000);

  it(`reconnects ${NODES} connections cut at once within the same limit`, async () => {
    process.env[MAX_STARTUPS_ENV] = LIMIT;
    const hosts = Array.from(
      { length: NODES },
      () =>
        new SshHost({
          hostname: '127.0.0.1',
          port: sshd.port,
          username: sshd.username,
          identity: sshd.identity,
          gateway: undefined,
          gatewayUser: sshd.username,
          hostKey: undefined,
          connectTimeout: 10_000,
          maxSessions: 8,
          keepaliveInterval: 5000,
          reconnectTimeout: 20_000,
        }),
    );
    try {
      await Promise.all(hosts.map((host) => host.connect()));
      const slots = startupSlots(`127.0.0.1:${sshd.port}`);
      let busiest = 0;
      const watch = setInterval(() => (busiest = Math.max(busiest, slots.active)), 1);
      for (const host of hosts) host.cut();
      // every one redials after the same 0.25 s backoff: they queue for the handshakes
      await until(() => hosts.every((host) => host.state === 'ready' && host.reconnects === 1), 'every connection to be restored', 20_000);
      clearInterval(watch);
      expect(busiest).toBeGreaterThan(0);
      expect(slots.peak).toBeLessThanOrEqual(Number(LIMIT));
      for (const host of hosts) expect((await host.exec('echo ok')).stdout).toBe('ok\n');
    } finally {
      for (const host of hosts) host.close();
    }
    await until(() => sshd.sessions().length === 0, 'the sessions to close', 10_000);
  }, 60_000);

  it(`starts ${NODES} nodes at the default limit on a host that drops every handshake beyond 10 at once`, async () => {
    delete process.env[MAX_STARTUPS_ENV];
    // stock OpenSSH (10:30:100) drops 30 % from 10 unauthenticated on; this one drops them all
    const strict = await startSshd({ maxStartups: '10:100:10' });
    try {
      const ec = (current = new ExperimentController({ localDir, expId }));
      const names = Array.from({ length: NODES }, (_, i) => `n${i}`);
      for (const name of names) ec.registerResource('linux::Node', strict.node(), { name });
      ec.deploy();
      await ec.waitStarted(names);
      for (const name of names) expect(ec.state(name)).toBe('STARTED');
      const slots = startupSlots(`127.0.0.1:${strict.port}`);
      expect(slots.limit).toBe(DEFAULT_MAX_STARTUPS);
      expect(slots.peak).toBe(DEFAULT_MAX_STARTUPS);
      await ec.shutdown();
      for (const name of names) expect(ec.state(name)).toBe('RELEASED');
      await until(() => strict.sessions().length === 0, 'the sessions to close', 10_000);
    } finally {
      await current?.shutdown();
      await strict.stop();
    }
  }, 60_000);
});
