/**
 * `linux::Ping`: `ping -c COUNT -i INTERVAL TARGET` from the node it runs on (any node: this
 * host, a remote host over SSH, a namespace). It is a `linux::Application` whose command it
 * builds itself: its `stdout` trace is ping's output; once it ends, the summary gets its
 * parsed results: packets sent and received, `loss` in percent and `rtt` (min/avg/max/mdev
 * in ms).
 */
import { extendResourceType } from '../../resources/resource-type.js';
import type { ResourceScope, StepContext } from '../../resources/views.js';
import { launchOf, LinuxApplication } from './application.js';
import { quote as shellQuote } from './transport/ssh/shell.js';

/** What {@link parsePing} reads from ping's closing statistics. */
export interface PingResults {
  readonly target: string;
  readonly transmitted: number;
  readonly received: number;
  /** Packet loss in percent. */
  readonly loss: number;
  /** Round-trip times in ms; absent when no reply came. */
  readonly rtt?: { readonly min: number; readonly avg: number; readonly max: number; readonly mdev: number };
}

/** Parse ping's closing statistics; undefined when they are not there. */
export function parsePing(output: string, target: string): PingResults | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received.*?([\d.]+)% packet loss/.exec(output);
  if (!counts) return undefined;
  const rtt = /(?:rtt|round-trip) min\/avg\/max\/(?:mdev|stddev) = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/.exec(output);
  return {
    target,
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    loss: Number(counts[3]),
    ...(rtt ? { rtt: { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]), mdev: Number(rtt[4]) } } : {}),
  };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The address to ping: `target` itself, or the first address of the node of the experiment named so. */
function resolveTarget(ctx: ResourceScope): string {
  const target = ctx.get('target') as string;
  if (IPV4.test(target)) return target;
  const [address] = ctx.experiment.node(target)?.addresses() ?? [];
  return address ? address.replace(/\/\d+$/, '') : target;
}

function command(ctx: StepContext): string {
  const interval = (ctx.get('interval') as number) / 1000;
  const target = resolveTarget(ctx);
  ctx.data['target'] = target;
  const ttl = ctx.get('ttl') as number | undefined;
  return `exec ping -n -c ${ctx.get('count') as number} -i ${interval}${ttl === undefined ? '' : ` -t ${ttl}`} ${shellQuote(target)}`;
}

/** Its run, then its results from its output (read where it is: on a remote host while it is there). */
async function run(ctx: StepContext): Promise<void> {
  try {
    await ctx.node().executor.run(ctx);
  } finally {
    await recordResults(ctx);
  }
}

async function recordResults(ctx: StepContext): Promise<void> {
  if (!ctx.traceEnabled('stdout')) return;
  const output = await ctx.readTrace('stdout').catch(() => '');
  const results = parsePing(String(output), (ctx.data['target'] as string | undefined) ?? (ctx.get('target') as string));
  if (results) Object.assign(ctx.results, results);
}

/** `linux::Ping`: ping from the node it runs on to `target`; rtt and loss go to the run summary. */
export const LinuxPing = extendResourceType(LinuxApplication, {
  type: 'linux::Ping',
  help: 'ping from the node it runs on to target; FINISHED once count replies were awaited; rtt and loss go to the run summary.',
  omit: ['command', 'stdin'],
  attributes: {
    target: { type: 'string', required: true, help: 'An IPv4 address, a host name, or the name of a node of the experiment (its first address).' },
    count: { type: 'integer', default: 3, range: [1, 1_000_000], help: 'How many echo requests to send.' },
    interval: { type: 'duration', default: 1000, range: [2, 3_600_000], help: 'The time between two requests.' },
    ttl: { type: 'integer', range: [1, 255], help: "The requests' time to live (default: the node's, 64)." },
    stopTimeout: { type: 'duration', default: '1s', help: 'How long stop waits after SIGTERM before SIGKILL.' },
  },
  traces: {
    stdout: { help: "ping's output." },
    stderr: { help: "ping's error output." },
  },
  results: {
    target: { help: 'The address pinged.' },
    transmitted: { help: 'Echo requests sent.' },
    received: { help: 'Replies received.' },
    loss: { help: 'The share of requests without a reply.', unit: '%' },
    rtt: { help: 'Round-trip times: min/avg/max/mdev.', unit: 'ms' },
  },
  steps: {
    start: (ctx) => ctx.node().executor.start(ctx, launchOf(ctx, command(ctx))),
    run,
  },
});
