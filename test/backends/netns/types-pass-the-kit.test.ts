/**
 * Every netns type (and linux::Ping, linux::Tcpdump inside a namespace) through the
 * lifecycle kit on the real clock: every complete lifecycle, a failure injected at each step,
 * a release from every state, and the type's probe finding nothing left after each release.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { namespaceName } from '../../../src/backends/netns/names.js';
import { namespaceExists } from '../../../src/backends/netns/namespaces.js';
import { NetnsLink, NetnsNode, NetnsRoute, NetnsSwitch } from '../../../src/backends/netns/index.js';
import { LinuxApplication, LinuxPing, LinuxTcpdump } from '../../../src/index.js';
import type { ResourceType } from '../../../src/index.js';
import { simpleLifecyclePaths, testResourceType, type LifecyclePoint, type ProbeContext, type TestResourceTypeOptions } from '../../../src/testing/index.js';
import { netnsTestDir } from './support.js';

const dir = netnsTestDir('kit');
/** States in which what the steps made must be there (unless its release is running). */
const HOLDS = new Set(['PROVISIONED', 'READY', 'STARTED', 'STOPPED']);
const EVERY_PATH = simpleLifecyclePaths().length;

async function passes(type: ResourceType, options: TestResourceTypeOptions): Promise<number> {
  const report = await testResourceType(type, { clock: 'real', localDir: dir.path, ...options });
  console.log(report.summary());
  expect(report.failures).toEqual([]);
  return report.paths;
}

describe('netns types pass the lifecycle kit', () => {
  it(`netns::Node, forwarding: ${EVERY_PATH} paths, its namespace there from PROVISIONED on and none left`, async () => {
    const check = (resource: ProbeContext, expected: LifecyclePoint) => {
      const name = namespaceName(resource.runDir, resource.guid);
      if (!HOLDS.has(expected.state) || expected.step === 'release') return [];
      if (!namespaceExists(name)) return [`namespace ${name} does not exist`];
      const forwarding = execFileSync('ip', ['netns', 'exec', name, 'cat', '/proc/sys/net/ipv4/ip_forward'], { encoding: 'utf8' }).trim();
      return forwarding === '1' ? [] : [`ip_forward is ${forwarding}`];
    };
    expect(await passes(NetnsNode, { attributes: { forwarding: true }, check })).toBe(EVERY_PATH);
  });

  it(`netns::Link with a rate between two nodes: ${EVERY_PATH} paths, no interface left`, async () => {
    const node = { type: 'netns::Node' } as const;
    const check = (resource: ProbeContext, expected: LifecyclePoint) => {
      if (!HOLDS.has(expected.state) || expected.state === 'PROVISIONED' || expected.step === 'release') return [];
      const [a, b] = resource.connections('netns::Node').map((node) => namespaceName(resource.runDir, node.guid));
      const shown = execFileSync('ip', ['-n', a!, '-o', 'link', 'show', 'dev', 'subject'], { encoding: 'utf8' });
      const qdisc = execFileSync('tc', ['-n', b!, 'qdisc', 'show', 'dev', 'subject'], { encoding: 'utf8' });
      const problems: string[] = [];
      if (!/mtu 1400 .*state UP/.test(shown)) problems.push(`end 1 is not up with MTU 1400: ${shown}`);
      if (!/tbf .*rate 10Mbit/.test(qdisc)) problems.push(`end 2 has no 10Mbit tbf: ${qdisc}`);
      return problems;
    };
    expect(await passes(NetnsLink, { connect: [node, node], attributes: { rate: '10mbit', mtu: 1400 }, check })).toBe(EVERY_PATH);
  });

  it(`netns::Switch joining three nodes: ${EVERY_PATH} paths`, async () => {
    const node = { type: 'netns::Node' } as const;
    expect(await passes(NetnsSwitch, { connect: [node, node, node] })).toBe(EVERY_PATH);
  });

  it(`netns::Route on a node: ${EVERY_PATH} paths`, async () => {
    expect(await passes(NetnsRoute, { connect: [{ type: 'netns::Node' }], attributes: { destination: '10.1.0.0/24', via: '127.0.0.1' } })).toBe(EVERY_PATH);
  });

  it('linux::Application inside a netns::Node: its shortest paths, no process left', async () => {
    const paths = await passes(LinuxApplication, {
      connect: [{ type: 'netns::Node' }],
      paths: 'shortest',
      attributes: { command: 'sleep 0.3 & sleep 0.3; wait', stopTimeout: '1s' },
    });
    expect(paths).toBeGreaterThan(10);
  });

  it('linux::Ping to the loopback of its netns::Node: its shortest paths', async () => {
    const paths = await passes(LinuxPing, {
      connect: [{ type: 'netns::Node' }],
      paths: 'shortest',
      attributes: { target: '127.0.0.1', count: 2, interval: '200ms' },
    });
    expect(paths).toBeGreaterThan(10);
  });

  it('linux::Tcpdump on the loopback of its netns::Node: its shortest paths that do not wait for it to end', async () => {
    const paths = await passes(LinuxTcpdump, {
      connect: [{ type: 'netns::Node' }],
      paths: 'shortest',
      filter: (path) => !path.events.includes('run ok'),
      attributes: { interface: 'lo', stopTimeout: '1s' },
    });
    expect(paths).toBeGreaterThan(10);
  });
});
