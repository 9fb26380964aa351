/**
 * Several hosts and the limit per host: nodes pointing at the same sshd stand for several
 * hosts; each has its own connection and its own `maxSessions`. What runs at once is counted
 * on the "host" side, by the commands themselves.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { leftovers, uniqueExpId } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
let expId: string;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-hosts-'));
  expId = uniqueExpId('ssh-hosts');
});
afterEach(() => rmSync(localDir, { recursive: true, force: true }));

/**
 * A command that counts how many of its kind run at once, in `dir` (shared) and `dir/<node>`
 * (per node): it appends the counts it saw, stays 0.4 s, and leaves.
 */
function counted(node: string, name: string): string {
  const all = join(localDir, 'all');
  const mine = join(localDir, node);
  return [
    `mkdir -p ${all} ${mine}`,
    `touch ${all}/${name} ${mine}/${name}`,
    `echo "$(ls ${all} | wc -l) $(ls ${mine} | wc -l)" >> ${localDir}/counts`,
    'sleep 0.4',
    `rm ${all}/${name} ${mine}/${name}`,
  ].join('; ');
}

function counts(): Array<[number, number]> {
  return readFileSync(join(localDir, 'counts'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number]);
}

describe('several hosts, and sessions per host', () => {
  it('runs at most maxSessions commands at once on a host; the others wait', async () => {
    const ec = new ExperimentController({ localDir, expId });
    ec.registerResource('linux::Node', sshd.node({ maxSessions: 2 }), { name: 'host' });
    for (let i = 0; i < 6; i++) {
      // each application's depends command is its own: six commands for one host at deploy
      ec.registerResource('linux::Application', { command: 'true', depends: counted('host', `app${i}`) }, { name: `app${i}` });
      ec.registerConnection('host', `app${i}`);
    }
    ec.deploy();
    await ec.waitFinished(ec.endingResources());
    const seen = counts();
    expect(seen).toHaveLength(6);
    expect(Math.max(...seen.map(([, mine]) => mine))).toBe(2);
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('treats nodes on the same sshd as several hosts: each has its own connection and limit, and they work at once', async () => {
    const ec = new ExperimentController({ localDir, expId });
    for (const node of ['h1', 'h2', 'h3']) {
      ec.registerResource('linux::Node', sshd.node({ maxSessions: 1 }), { name: node });
      for (const app of ['a', 'b']) {
        const name = `${node}${app}`;
        ec.registerResource('linux::Application', { command: `echo ${name}`, depends: counted(node, name) }, { name });
        ec.registerConnection(node, name);
      }
    }
    ec.deploy();
    await ec.waitFinished(ec.endingResources());
    const seen = counts();
    expect(seen).toHaveLength(6);
    // one at a time on each host, but hosts side by side
    expect(Math.max(...seen.map(([, mine]) => mine))).toBe(1);
    expect(Math.max(...seen.map(([all]) => all))).toBeGreaterThanOrEqual(2);
    for (const name of ['h1a', 'h1b', 'h2a', 'h2b', 'h3a', 'h3b']) expect(await ec.trace(name, 'stdout')).toBe(`${name}\n`);
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('runs 20 applications on one host at its default limit: sessions refused while the server frees them are tried again', async () => {
    const ec = new ExperimentController({ localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    for (let i = 0; i < 20; i++) {
      ec.registerResource('linux::Application', { command: `sleep 0.5; echo ${i}` }, { name: `app${i}` });
      ec.registerConnection('host', `app${i}`);
    }
    ec.deploy();
    await ec.waitFinished(ec.endingResources());
    for (let i = 0; i < 20; i++) expect(ec.state(`app${i}`)).toBe('FINISHED');
    await ec.shutdown();
    for (let i = 0; i < 20; i++) expect(await ec.trace(`app${i}`, 'stdout')).toBe(`${i}\n`);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('reaches a node through a gateway (jump host)', async () => {
    // the gateway is reached through a proxy that counts its connections
    const toGateway = await startTcpProxy(sshd.port);
    try {
      const ec = new ExperimentController({ localDir, expId });
      ec.registerResource('linux::Node', sshd.node({ gateway: `127.0.0.1:${toGateway.port}`, gatewayUser: sshd.username }), { name: 'host' });
      ec.registerResource('linux::Application', { command: 'echo "$SSH_CONNECTION"' }, { name: 'app' });
      ec.registerConnection('host', 'app');
      ec.deploy();
      await ec.waitFinished('app');
      expect(ec.state('app')).toBe('FINISHED');
      expect(toGateway.accepted).toBe(1);
      expect(await ec.trace('app', 'stdout')).toMatch(new RegExp(` 127\\.0\\.0\\.1 ${sshd.port}\\n$`));
      await ec.shutdown();
      expect(await leftovers(expId, ec.runDir)).toEqual([]);

      const unreachable = new ExperimentController({ localDir, expId: `${expId}-gw` });
      unreachable.registerResource('linux::Node', sshd.node({ gateway: '127.0.0.1:1', critical: false }), { name: 'host' });
      unreachable.deploy();
      await unreachable.waitDeployed();
      expect(unreachable.getResource('host')).toMatchObject({ state: 'FAILED', step: 'discover' });
      expect(String(unreachable.getResource('host').error)).toContain(`through the gateway: cannot reach ${sshd.username}@127.0.0.1:1: connection refused`);
      await unreachable.shutdown();
    } finally {
      await toGateway.close();
    }
  });
});
