/**
 * The netns backend at scale (issue 6): a line of N network namespaces joined by N-1 veth
 * links, routed end to end, and a ping from the first node to the last. Measured: deploy
 * (from `deploy()` until every resource is READY: namespaces, links with addresses, routes),
 * the ping (10 requests, 50 ms apart), and release (`shutdown()`: everything deleted). Needs
 * root. Sizes: 10, 25, 50, 100 nodes (`--nodes 10,25`; `--quick`: 10 only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentController } from '../../src/index.js';
import { formatIp } from '../../src/backends/netns/addresses.js';
import { type Scenario, type ScenarioResult } from '../lib/scenario.js';
import { fmt, seconds, summarise } from '../lib/stats.js';

/** The addresses of link i (1-based) of the line: 10.0.0.0 + 4(i-1), /30; end 1 on node i. */
function linkAddress(i: number, end: 1 | 2): string {
  return formatIp(0x0a000000 + 4 * (i - 1) + end);
}

/**
 * Register a line of `n` netns::Nodes `n1..nN` joined by links `l1..l(N-1)`, forwarding, with
 * routes so that n1 and nN reach each other: every node's default route points right, routes
 * to n1's subnet point left; nN's default route points left and its replies leave with TTL 255.
 */
export function buildLine(ec: ExperimentController, n: number): { first: string; last: string; target: string } {
  for (let i = 1; i <= n; i++) ec.registerResource('netns::Node', { forwarding: i > 1 && i < n }, { name: `n${i}` });
  for (let i = 1; i < n; i++) {
    ec.registerResource('netns::Link', { address1: `${linkAddress(i, 1)}/30`, address2: `${linkAddress(i, 2)}/30` }, { name: `l${i}` });
    ec.registerConnection(`l${i}`, `n${i}`);
    ec.registerConnection(`l${i}`, `n${i + 1}`);
  }
  const route = (name: string, node: string, destination: string, via: string) => {
    ec.registerResource('netns::Route', { destination, via }, { name });
    ec.registerConnection(name, node);
  };
  for (let i = 1; i < n; i++) route(`r${i}-right`, `n${i}`, 'default', linkAddress(i, 2));
  for (let i = 3; i <= n; i++) route(`r${i}-left`, `n${i}`, i === n ? 'default' : '10.0.0.0/30', linkAddress(i - 1, 1));
  // replies from the last node cross n-2 routers: more than the default TTL of 64
  ec.registerResource('linux::Application', { command: 'sysctl -q -w net.ipv4.ip_default_ttl=255' }, { name: 'ttl' });
  ec.registerConnection('ttl', `n${n}`);
  return { first: 'n1', last: `n${n}`, target: linkAddress(n - 1, 2) };
}

interface Sample {
  nodes: number;
  resources: number;
  registerMs: number;
  deployMs: number;
  pingMs: number;
  releaseMs: number;
  rttAvgMs: number;
}

async function line(n: number, localDir: string): Promise<Sample> {
  const t0 = performance.now();
  const ec = new ExperimentController({ expId: `line${n}`, localDir });
  const { first, target } = buildLine(ec, n);
  ec.registerResource('linux::Ping', { target, count: 10, interval: '50ms', ttl: 255 }, { name: 'ping' });
  ec.registerConnection('ping', first);
  ec.registerCondition('ping', 'START', 'ttl', 'FINISHED');
  const t1 = performance.now();
  ec.deploy();
  await ec.waitDeployed();
  const t2 = performance.now();
  await ec.waitFinished('ping');
  const t3 = performance.now();
  const summary = await ec.shutdown();
  const t4 = performance.now();
  if (summary.failures.length > 0) throw new Error(`line of ${n}: ${summary.failures.map((f) => `${f.guid}: ${f.error}`).join('; ')}`);
  const results = summary.resources['ping']!.results as { loss: number; rtt?: { avg: number } } | undefined;
  if (!results || results.loss !== 0) throw new Error(`line of ${n}: the ping end to end lost packets: ${JSON.stringify(results)}`);
  return {
    nodes: n,
    resources: ec.resources.length,
    registerMs: t1 - t0,
    deployMs: t2 - t1,
    pingMs: t3 - t2,
    releaseMs: t4 - t3,
    rttAvgMs: results.rtt?.avg ?? NaN,
  };
}

export const netns: Scenario = {
  name: 'netns',
  aliases: ['line', 'namespaces'],
  title: 'netns: a line of N namespaces, routed end to end, deployed, pinged and released',
  async run({ quick, runs: runsOption, args, log }): Promise<ScenarioResult> {
    if (process.getuid?.() !== 0) throw new Error('the netns scenario needs root (network namespaces)');
    const sizes = (args['nodes'] ?? (quick ? '10' : '10,25,50,100')).split(',').map(Number);
    const runs = runsOption ?? (quick ? 1 : 3);
    const localDir = mkdtempSync(join(tmpdir(), 'nepi-bench-netns-'));
    const samples: Sample[] = [];
    try {
      for (const n of sizes) {
        for (let r = 0; r < runs; r++) {
          const sample = await line(n, localDir);
          samples.push(sample);
          log(`  ${n} nodes, run ${r + 1}/${runs}: deploy ${seconds(sample.deployMs)} s, release ${seconds(sample.releaseMs)} s`);
        }
      }
    } finally {
      rmSync(localDir, { recursive: true, force: true });
    }
    const table = sizes.map((n) => {
      const of = samples.filter((s) => s.nodes === n);
      const s = summarise(of.map(({ registerMs, deployMs, pingMs, releaseMs, rttAvgMs }) => ({ registerMs, deployMs, pingMs, releaseMs, rttAvgMs })));
      return {
        nodes: fmt(n),
        links: fmt(n - 1),
        resources: fmt(of[0]!.resources),
        'deploy s': seconds(s['deployMs']!.median),
        'deploy ms/node': fmt(s['deployMs']!.median / n, 1),
        'ping s': seconds(s['pingMs']!.median),
        'rtt avg ms': fmt(s['rttAvgMs']!.median, 3),
        'release s': seconds(s['releaseMs']!.median),
        'release ms/node': fmt(s['releaseMs']!.median / n, 1),
      };
    });
    return {
      scenario: 'netns',
      title: netns.title,
      quick,
      params: { sizes, runs },
      table,
      notes: [
        'deploy: deploy() until every resource is READY (namespaces, veth pairs with addresses, routes); release: shutdown()',
        'resources: nodes, links, 2 routes per node but the first two, a sysctl application and the ping; medians over the runs',
      ],
      targets: [],
      data: { samples },
    };
  },
};
