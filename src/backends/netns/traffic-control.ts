/**
 * Link conditions with `tc`: a rate limit (token bucket filter) and delay/loss (netem). Where
 * the kernel has no netem, asking for delay or loss is an error that says so.
 */
import { tc } from './commands.js';
import { NetemUnavailableError, NetnsCommandError } from './errors.js';

export interface LinkConditions {
  /** A tc rate such as `1mbit`. */
  readonly rate?: string;
  /** One-way delay in ms. */
  readonly delay?: number;
  /** Packet loss in percent. */
  readonly loss?: number;
}

const RATE = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps)$/i;
const UNITS: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  bps: 8,
  kbps: 8e3,
  mbps: 8e6,
  gbps: 8e9,
  tbps: 8e12,
};

/** A tc rate in bits per second; throws when it is not one. */
export function parseRate(text: string): number {
  const match = RATE.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a rate: expected a number and a unit of bit, kbit, mbit, gbit, bps, kbps, mbps or gbps (e.g. 1mbit)`);
  return Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
}

/** The tbf arguments for `rate`: a burst of 20 ms of traffic (at least 2 full frames) and 100 ms of queue. */
export function tbfArguments(rate: string, mtu: number): string[] {
  const bitsPerSecond = parseRate(rate);
  const burst = Math.max(Math.ceil(bitsPerSecond / 8 / 50), 2 * (mtu + 14));
  return ['tbf', 'rate', rate, 'burst', String(burst), 'latency', '100ms'];
}

/**
 * Change the conditions of the egress of `device` (in `netns`) from `before` to `after` while
 * traffic flows: `tc qdisc change` of the queueing disciplines in place when `after` needs
 * the same ones (a new rate, delay or loss); otherwise (netem added, or a rate limit added)
 * the root is replaced by the new set, which drops what was queued.
 */
export async function changeConditions(
  netns: string,
  device: string,
  before: LinkConditions,
  after: LinkConditions,
  mtu: number,
  where: { guid: string; type: string },
): Promise<void> {
  const emulates = (c: LinkConditions) => c.delay !== undefined || c.loss !== undefined;
  const sameShape = emulates(before) === emulates(after) && (before.rate === undefined) === (after.rate === undefined);
  if (!sameShape) {
    if (emulates(before) || before.rate !== undefined) await tc(['-n', netns, 'qdisc', 'del', 'dev', device, 'root'], where);
    return applyConditions(netns, device, after, mtu, where);
  }
  const base = ['-n', netns, 'qdisc', 'change', 'dev', device];
  if (emulates(after)) {
    await tc([...base, 'root', 'handle', '1:', ...netemArguments(after)], where);
    if (after.rate !== undefined) await tc([...base, 'parent', '1:1', 'handle', '10:', ...tbfArguments(after.rate, mtu)], where);
  } else if (after.rate !== undefined) {
    await tc([...base, 'root', 'handle', '1:', ...tbfArguments(after.rate, mtu)], where);
  }
}

function netemArguments(conditions: LinkConditions): string[] {
  const netem = ['netem'];
  if (conditions.delay !== undefined) netem.push('delay', `${conditions.delay}ms`);
  if (conditions.loss !== undefined) netem.push('loss', `${conditions.loss}%`);
  return netem;
}

/** Apply `conditions` to the egress of `device` in namespace `netns`. */
export async function applyConditions(
  netns: string,
  device: string,
  conditions: LinkConditions,
  mtu: number,
  where: { guid: string; type: string },
): Promise<void> {
  const emulate = conditions.delay !== undefined || conditions.loss !== undefined;
  const base = ['-n', netns, 'qdisc', 'add', 'dev', device];
  if (emulate) {
    try {
      await tc([...base, 'root', 'handle', '1:', ...netemArguments(conditions)], where);
    } catch (error) {
      if (error instanceof NetnsCommandError && /qdisc kind is unknown/i.test(error.stderr)) {
        throw new NetemUnavailableError(
          `resource '${where.guid}' (${where.type}): 'delay' and 'loss' need the netem queueing discipline, and this kernel has no netem (module sch_netem; tc said: ${error.stderr.trim()}); remove delay/loss or run on a kernel with netem`,
          where,
        );
      }
      throw error;
    }
    if (conditions.rate !== undefined) await tc([...base, 'parent', '1:1', 'handle', '10:', ...tbfArguments(conditions.rate, mtu)], where);
  } else if (conditions.rate !== undefined) {
    await tc([...base, 'root', 'handle', '1:', ...tbfArguments(conditions.rate, mtu)], where);
  }
}
