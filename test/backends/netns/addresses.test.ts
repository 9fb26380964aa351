/** Subnet arithmetic and the run's address pool: automatic /30s, exhaustion, overlaps. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { namespaceName } from '../../../src/backends/netns/names.js';
import { firstFree, formatSubnet, overlaps, parseAddress, parseSubnet, prefixFor } from '../../../src/backends/netns/addresses.js';
import { ExperimentController } from '../../../src/index.js';
import { netnsTestDir } from './support.js';

describe('subnets', () => {
  it('parses addresses and refuses malformed ones with the reason', () => {
    expect(formatSubnet(parseSubnet('10.0.0.6/30'))).toBe('10.0.0.4/30');
    expect(() => parseAddress('10.0.0.256/30')).toThrow('an octet is above 255');
    expect(() => parseAddress('10.0.0.1')).toThrow('lacks a prefix length');
    expect(() => parseAddress('10.0.0.1/33')).toThrow('above 32');
    expect(() => parseAddress('ten')).toThrow('not an IPv4 address in CIDR form');
  });

  it('knows when two subnets overlap', () => {
    expect(overlaps(parseSubnet('10.0.0.0/24'), parseSubnet('10.0.0.4/30'))).toBe(true);
    expect(overlaps(parseSubnet('10.0.0.0/30'), parseSubnet('10.0.0.4/30'))).toBe(false);
    expect(overlaps(parseSubnet('0.0.0.0/0'), parseSubnet('192.168.1.0/24'))).toBe(true);
  });

  it('finds the first free block, jumping over the ones taken', () => {
    const pool = parseSubnet('10.0.0.0/24');
    expect(formatSubnet(firstFree(pool, 30, [])!)).toBe('10.0.0.0/30');
    expect(formatSubnet(firstFree(pool, 30, [parseSubnet('10.0.0.0/30'), parseSubnet('10.0.0.4/30')])!)).toBe('10.0.0.8/30');
    expect(formatSubnet(firstFree(pool, 30, [parseSubnet('10.0.0.0/25')])!)).toBe('10.0.0.128/30');
    expect(formatSubnet(firstFree(pool, 29, [parseSubnet('10.0.0.4/30')])!)).toBe('10.0.0.8/29');
    expect(firstFree(parseSubnet('10.0.0.0/29'), 30, [parseSubnet('10.0.0.0/30'), parseSubnet('10.0.0.4/30')])).toBeUndefined();
    expect(firstFree(parseSubnet('10.0.0.0/30'), 29, [])).toBeUndefined();
    expect(prefixFor(2)).toBe(30);
    expect(prefixFor(3)).toBe(29);
    expect(prefixFor(254)).toBe(24);
  });
});

describe('the address pool of a run', () => {
  const dir = netnsTestDir('pool');

  function line(ec: ExperimentController, nodes: number, linkAttributes: (i: number) => Record<string, unknown> = () => ({})): void {
    for (let i = 1; i <= nodes; i++) ec.registerResource('netns::Node', {}, { name: `n${i}` });
    for (let i = 1; i < nodes; i++) {
      ec.registerResource('netns::Link', linkAttributes(i), { name: `l${i}` });
      ec.registerConnection(`l${i}`, `n${i}`);
      ec.registerConnection(`l${i}`, `n${i + 1}`);
    }
  }

  it('gives each link its own /30 from the pool, end 1 on the node connected first; ping finds a node by name', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'pool' });
    line(ec, 3, () => ({ pool: '10.77.0.0/24' }));
    ec.deploy();
    await ec.waitDeployed();
    const addresses = (node: string) =>
      execFileSync('ip', ['-n', namespaceName(ec.runDir, node), '-o', '-4', 'address', 'show', 'scope', 'global'], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((row) => /inet (\S+)/.exec(row)![1]!);
    // links are deployed as their nodes become READY: either may get the first /30
    const [a] = addresses('n1');
    const [c] = addresses('n3');
    expect([a, c].sort()).toEqual(a === '10.77.0.1/30' ? ['10.77.0.1/30', '10.77.0.6/30'] : ['10.77.0.2/30', '10.77.0.5/30']);
    expect(addresses('n2').sort()).toEqual(a === '10.77.0.1/30' ? ['10.77.0.2/30', '10.77.0.5/30'] : ['10.77.0.1/30', '10.77.0.6/30']);
    const ping = ec.registerResource('linux::Ping', { target: 'n3', count: 1, interval: '200ms' }, { name: 'ping' });
    ec.registerConnection(ping, 'n2');
    ec.deploy(ping);
    await ec.waitFinished(ping);
    expect(ec.state(ping)).toBe('FINISHED');
    const summary = await ec.shutdown();
    expect(summary.resources['ping']!.results).toMatchObject({ target: c!.replace('/30', ''), received: 1, loss: 0 });
  });

  it('keeps automatic subnets clear of the ones given explicitly to links deployed later', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'mixed' });
    line(ec, 3, (i) => (i === 1 ? { pool: '10.81.0.0/24' } : { address1: '10.81.0.1/30', address2: '10.81.0.2/30' }));
    ec.deploy(['n1', 'n2', 'l1']);
    await ec.waitDeployed(['l1']);
    ec.deploy();
    await ec.waitDeployed();
    const summary = await ec.shutdown();
    expect(summary.failures).toEqual([]);
  });

  it('fails the link that finds the pool exhausted, saying which pool and who took it', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'pool' });
    line(ec, 4, () => ({ pool: '10.78.0.0/29', critical: false }));
    ec.deploy();
    await ec.waitStarted(); // a non-critical failure counts as having reached every state
    const failed = ['l1', 'l2', 'l3'].filter((guid) => ec.state(guid) === 'FAILED');
    expect(failed).toHaveLength(1);
    const info = ec.getResource(failed[0]!);
    expect(info.step).toBe('provision');
    expect(String(info.error)).toMatch(
      new RegExp(
        `'${failed[0]}': the address pool 10\\.78\\.0\\.0/29 is exhausted: no free /30 is left \\(2 subnet\\(s\\) of it taken by 'l\\d', 'l\\d'\\); set a larger 'pool' or give addresses explicitly`,
      ),
    );
    expect((info.error as Error).name).toBe('AddressPoolExhaustedError');
    await ec.shutdown();
  });

  it('fails a link whose addresses overlap the subnet of another, naming both', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'overlap' });
    line(ec, 3, (i) =>
      i === 1
        ? { address1: '10.79.0.1/24', address2: '10.79.0.2/24', critical: false }
        : { address1: '10.79.0.5/30', address2: '10.79.0.6/30', critical: false },
    );
    ec.deploy();
    await ec.waitStarted();
    const failed = ['l1', 'l2'].filter((guid) => ec.state(guid) === 'FAILED');
    expect(failed).toHaveLength(1);
    const error = String(ec.getResource(failed[0]!).error);
    expect(error).toMatch(/'l[12]': subnet 10\.79\.0\.\d\/\d\d overlaps subnet 10\.79\.0\.\d\/\d\d of 'l[12]'; give them subnets that do not overlap/);
    expect(error).toContain('10.79.0.0/24');
    expect(error).toContain('10.79.0.4/30');
    await ec.shutdown();
  });

  it('refuses addresses that are not on one subnet, or half given, before creating anything', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'bad' });
    line(ec, 3, (i) => (i === 1 ? { address1: '10.80.0.1/30', address2: '10.80.1.2/30', critical: false } : { address1: '10.80.0.9/30', critical: false }));
    ec.deploy();
    await ec.waitStarted();
    expect(String(ec.getResource('l1').error)).toBe(
      "AttributeValueError: resource 'l1' (netns::Link): attribute 'address2' 10.80.1.2/30 is not on the subnet of address1 10.80.0.1/30",
    );
    expect(String(ec.getResource('l2').error)).toContain(
      "attribute 'address2' is not set while the other address is: set both, or neither for automatic addresses",
    );
    expect(ec.getResource('l1').step).toBe('discover');
    await ec.shutdown();
  });

  it('refuses a pool that is not a subnet at discover, before anything is created', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'bad-pool' });
    line(ec, 2, () => ({ pool: '10.0.0.0', critical: false }));
    ec.registerResource('netns::Switch', { pool: 'lan', critical: false }, { name: 'sw' });
    ec.registerConnection('sw', 'n1');
    ec.deploy();
    await ec.waitStarted();
    expect(ec.getResource('l1')).toMatchObject({ state: 'FAILED', step: 'discover' });
    expect(String(ec.getResource('l1').error)).toBe(
      "AttributeValueError: resource 'l1' (netns::Link): attribute 'pool' '10.0.0.0' lacks a prefix length (e.g. /30)",
    );
    expect(ec.getResource('sw')).toMatchObject({ state: 'FAILED', step: 'discover' });
    expect(String(ec.getResource('sw').error)).toContain("attribute 'pool' 'lan' is not an IPv4 address in CIDR form");
    await ec.shutdown();
  });
});
