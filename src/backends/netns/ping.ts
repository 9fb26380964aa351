/**
 * `linux::Ping`: `ping -c COUNT -i INTERVAL TARGET` from its node. Its `stdout` trace is
 * ping's output; once it ends, the summary gets its parsed results: packets sent and
 * received, `loss` in percent and `rtt` (min/avg/max/mdev in ms).
 */
import { readFileSync } from 'node:fs';
import { defineResourceType, type StepContext } from '../../resources/resource-type.js';
import { LinuxApplication } from '../local/application.js';
import { applicationStep, asStarted, refuseRemoteNode, shellQuote, withCommand } from './as-application.js';
import { addressesOf } from './run-network.js';

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

/** The address to ping: `target` itself, or the first address of the netns::Node named so. */
function resolveTarget(ctx: StepContext): string {
  const target = ctx.get('target') as string;
  if (IPV4.test(target)) return target;
  const [address] = addressesOf(ctx.runDir, target);
  return address ? address.replace(/\/\d+$/, '') : target;
}

function command(ctx: StepContext): string {
  const interval = (ctx.get('interval') as number) / 1000;
  const target = resolveTarget(ctx);
  ctx.data['target'] = target;
  const ttl = ctx.get('ttl') as number | undefined;
  return `exec ping -n -c ${ctx.get('count') as number} -i ${interval}${ttl === undefined ? '' : ` -t ${ttl}`} ${shellQuote(target)}`;
}

async function run(ctx: StepContext): Promise<void> {
  try {
    await applicationStep('run')(asStarted(ctx));
  } finally {
    recordResults(ctx);
  }
}

function recordResults(ctx: StepContext): void {
  if (!ctx.traceEnabled('stdout')) return;
  let output = '';
  try {
    output = readFileSync(ctx.tracePath('stdout'), 'utf8');
  } catch {
    return;
  }
  const results = parsePing(output, (ctx.data['target'] as string | undefined) ?? (ctx.get('target') as string));
  if (results) Object.assign(ctx.results, results);
}

export const LinuxPing = defineResourceType({
  type: 'linux::Ping',
  help: 'ping from its node to target; FINISHED once count replies were awaited; rtt and loss go to the run summary.',
  attributes: {
    target: { type: 'string', required: true, help: 'An IPv4 address, a host name, or the name of a netns::Node (its first address).' },
    count: { type: 'integer', default: 3, range: [1, 1_000_000], help: 'How many echo requests to send.' },
    interval: { type: 'duration', default: 1000, range: [2, 3_600_000], help: 'The time between two requests.' },
    ttl: { type: 'integer', range: [1, 255], help: "The requests' time to live (default: the node's, 64)." },
    stopTimeout: { type: 'duration', default: '1s', help: 'How long stop waits after SIGTERM before SIGKILL.' },
  },
  traces: {
    stdout: { help: "ping's output." },
    stderr: { help: "ping's error output." },
  },
  connectsTo: { 'linux::Node|netns::Node': { min: 1, max: 1 } },
  dependsOn: ['linux::Node', 'netns::Node', 'netns::Node > netns::Link', 'netns::Node > netns::Switch'],
  ownTimeout: ['stop'],
  steps: {
    discover: refuseRemoteNode,
    start: (ctx) => applicationStep('start')(withCommand(ctx, command)),
    run,
    stop: (ctx) => applicationStep('stop')(asStarted(ctx)),
    release: (ctx) => applicationStep('release')(asStarted(ctx)),
  },
  ...(LinuxApplication.probe ? { probe: LinuxApplication.probe } : {}),
});
