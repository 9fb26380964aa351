/** linux::Ping and linux::Tcpdump on a plain linux::Node (not only in a netns::Node). */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';

let localDir: string;
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-linux-tools-'));
});
afterEach(() => rmSync(localDir, { recursive: true, force: true }));

describe('measurement tools on a linux::Node', () => {
  it('pings 127.0.0.1 from a local linux::Node while tcpdump captures on lo', async () => {
    const ec = new ExperimentController({ localDir, expId: `linux-tools-${process.pid}` });
    ec.registerResource('linux::Node', {}, { name: 'here' });
    ec.registerResource('linux::Ping', { target: '127.0.0.1', count: 5, interval: '200ms' }, { name: 'ping' });
    ec.registerResource('linux::Tcpdump', { interface: 'lo', filter: 'icmp' }, { name: 'capture' });
    ec.registerConnection('here', 'ping');
    ec.registerConnection('here', 'capture');
    ec.deploy();
    await ec.waitFinished('ping');
    expect(ec.state('ping')).toBe('FINISHED');
    expect(await ec.trace('ping', 'stdout')).toMatch(/5 packets transmitted, 5 received/);
    await ec.shutdown();
    expect(statSync(join(ec.runDir, 'capture', 'pcap')).size).toBeGreaterThan(24);
  });
});

describe('measurement tools on a remote linux::Node', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => sshd?.stop());

  it('refuse it at discover, saying why, and the node itself still runs', async () => {
    const ec = new ExperimentController({ localDir, expId: `linux-tools-remote-${process.pid}` });
    ec.registerResource('linux::Node', sshd.node({}), { name: 'remote' });
    ec.registerResource('linux::Ping', { target: '127.0.0.1', count: 1, critical: false }, { name: 'ping' });
    ec.registerResource('linux::Tcpdump', { interface: 'lo', critical: false }, { name: 'capture' });
    ec.registerConnection('remote', 'ping');
    ec.registerConnection('remote', 'capture');
    const summary = await ec.run();
    for (const guid of ['ping', 'capture']) {
      const failure = summary.failures.find((f) => f.guid === guid);
      expect(failure?.step).toBe('discover');
      expect(failure?.error).toMatch(/runs on this machine's linux::Node or in a netns::Node; node 'remote' is a remote host/);
    }
    expect(summary.resources['remote']?.times.STARTED).toBeDefined();
  });
});
