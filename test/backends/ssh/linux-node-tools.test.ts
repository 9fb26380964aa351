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

  it('run there like any application: ping over SSH with its results in the summary, tcpdump with its capture brought home', async () => {
    const ec = new ExperimentController({ localDir, expId: `linux-tools-remote-${process.pid}` });
    ec.registerResource('linux::Node', sshd.node({}), { name: 'remote' });
    ec.registerResource('linux::Ping', { target: '127.0.0.1', count: 3, interval: '200ms' }, { name: 'ping' });
    ec.registerResource('linux::Tcpdump', { interface: 'lo', filter: 'icmp' }, { name: 'capture' });
    ec.registerConnection('remote', 'ping');
    ec.registerConnection('remote', 'capture');
    // the ping starts once the capture runs
    ec.registerCondition('ping', 'START', 'capture', 'STARTED', '500ms');
    ec.registerCondition('capture', 'STOP', 'ping', 'FINISHED', '200ms');
    const summary = await ec.run();
    expect(summary.failures).toEqual([]);
    expect(summary.resources['ping']?.state).toBe('RELEASED');
    expect(summary.resources['ping']?.results).toMatchObject({ target: '127.0.0.1', transmitted: 3, received: 3, loss: 0 });
    expect(await ec.trace('ping', 'stdout')).toMatch(/3 packets transmitted, 3 received/);
    // 3 requests and 3 replies on lo, each a pcap record (16-byte header + packet) after the 24-byte file header
    expect(statSync(join(ec.runDir, 'capture', 'pcap')).size).toBeGreaterThan(24 + 6 * 16);
  });
});
