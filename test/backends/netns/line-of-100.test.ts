/**
 * Scale: a line of 100 namespaces joined by 99 links, routed end to end (98 routers); a ping
 * from the first to the last gets every reply, and release leaves nothing. The figures for
 * 10 to 100 nodes are measured by `npm run bench -- --only netns` (docs/netns.md).
 */
import { describe, expect, it } from 'vitest';
import { buildLine } from '../../../bench/scenarios/netns.js';
import { ExperimentController } from '../../../src/index.js';
import { netnsTestDir } from './support.js';

const dir = netnsTestDir('line');

describe('a line of 100 nodes', () => {
  it('deploys 100 nodes and 99 links, pings end to end across 98 routers, and releases everything', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'line' });
    const { first, target } = buildLine(ec, 100);
    ec.registerResource('linux::Ping', { target, count: 3, interval: '100ms', ttl: 255 }, { name: 'ping' });
    ec.registerConnection('ping', first);
    ec.registerCondition('ping', 'START', 'ttl', 'FINISHED');
    const t0 = performance.now();
    const summary = await ec.run();
    console.log(`line of 100: run and release in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    expect(summary.failures).toEqual([]);
    expect(summary.resources['ping']!.results).toMatchObject({ target: '10.0.1.138', transmitted: 3, received: 3, loss: 0 });
    // 98 routers on the way: the reply left n100 with TTL 255
    expect(await ec.trace('ping', 'stdout')).toContain('from 10.0.1.138: icmp_seq=1 ttl=157');
  }, 60_000);
});
