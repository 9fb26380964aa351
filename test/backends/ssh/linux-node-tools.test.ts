/** linux::Ping and linux::Tcpdump on a plain linux::Node (not only in a netns::Node). */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';

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
