/**
 * A routed topology: h1 - r - a switch joining h2 and h3, with static routes and r
 * forwarding; ping crosses the router, tcpdump on h2 captures it into a pcap trace.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { netnsTestDir } from './support.js';

const dir = netnsTestDir('topology');

/** The number of packets in a pcap file (after checking its magic number). */
function pcapPackets(path: string): number {
  const data = readFileSync(path);
  expect(data.readUInt32LE(0)).toBe(0xa1b2c3d4);
  let packets = 0;
  for (let offset = 24; offset + 16 <= data.length; packets++) offset += 16 + data.readUInt32LE(offset + 8);
  return packets;
}

describe('a routed topology with a switch', () => {
  it('routes a ping from h1 through r to h2 on the switch, and captures it on h2', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'topology' });
    for (const name of ['h1', 'h2', 'h3']) ec.registerResource('netns::Node', {}, { name });
    ec.registerResource('netns::Node', { forwarding: true }, { name: 'r' });
    ec.registerResource('netns::Link', { address1: '10.50.0.1/30', address2: '10.50.0.2/30' }, { name: 'uplink' });
    ec.registerConnection('uplink', 'h1');
    ec.registerConnection('uplink', 'r');
    ec.registerResource('netns::Switch', { subnet: '10.60.0.0/24' }, { name: 'lan' });
    for (const node of ['r', 'h2', 'h3']) ec.registerConnection('lan', node); // r .1, h2 .2, h3 .3
    ec.registerResource('netns::Route', { destination: '10.60.0.0/24', via: '10.50.0.2' }, { name: 'to-lan' });
    ec.registerConnection('to-lan', 'h1');
    for (const node of ['h2', 'h3']) {
      ec.registerResource('netns::Route', { destination: 'default', via: '10.60.0.1' }, { name: `${node}-default` });
      ec.registerConnection(`${node}-default`, node);
    }
    ec.registerResource('linux::Tcpdump', { interface: 'lan', filter: 'icmp' }, { name: 'capture' });
    ec.registerConnection('capture', 'h2');
    ec.registerResource('linux::Ping', { target: '10.60.0.2', count: 3, interval: '200ms' }, { name: 'ping' });
    ec.registerConnection('ping', 'h1');
    ec.registerResource('linux::Ping', { target: 'h3', count: 2, interval: '200ms' }, { name: 'ping-h3' });
    ec.registerConnection('ping-h3', 'h2');
    ec.registerCondition(['ping', 'ping-h3'], 'START', 'capture', 'STARTED', '2s');
    ec.registerCondition('capture', 'STOP', ['ping', 'ping-h3'], 'FINISHED', '300ms');

    const summary = await ec.run();
    expect(summary.failures).toEqual([]);
    expect(summary.status).toBe('released');
    // routes deploy after the links and switches of their node
    const times = (guid: string) => summary.resources[guid]!.times;
    expect(times('to-lan').DISCOVERED!).toBeGreaterThanOrEqual(times('uplink').READY!);
    expect(times('h2-default').DISCOVERED!).toBeGreaterThanOrEqual(times('lan').READY!);
    expect(summary.resources['ping']!.results).toMatchObject({ target: '10.60.0.2', transmitted: 3, received: 3, loss: 0 });
    expect(summary.resources['ping-h3']!.results).toMatchObject({ target: '10.60.0.3', received: 2, loss: 0 });
    // ping's replies crossed the router: TTL 63
    expect(readFileSync(`${ec.runDir}/ping/stdout`, 'utf8')).toMatch(/from 10\.60\.0\.2: icmp_seq=1 ttl=63/);
    // h2 saw 3 requests from h1 and sent 3 replies, plus its own 2 requests and 2 replies
    expect(pcapPackets(`${ec.runDir}/capture/pcap`), readFileSync(`${ec.runDir}/capture/stderr`, 'utf8')).toBe(10);
  });
});
