/**
 * `netns::Link`: a veth pair joining two `netns::Node`s, one end in each namespace (nothing
 * in the host's own namespace). Addresses are claimed at discover (explicit ones) or
 * provision (an automatic /30 from the run's pool); the pair is created at deploy, with its
 * MTU, addresses and conditions; release deletes it.
 */
import { AttributeValueError } from '../../errors.js';
import type { ValuesOf } from '../../resources/attributes.js';
import { defineResourceType } from '../../resources/resource-type.js';
import type { ResourceScope, ResourceView, StepContext } from '../../resources/views.js';
import { recordInLedger } from '../ledger.js';
import { formatAddress, host, parseAddress, subnetOf, type InterfaceAddress } from './addresses.js';
import { assertRoot, ip, isGone } from './commands.js';
import { allEnded, exclusive } from './exclusive.js';
import { interfaceName, namespaceName } from './names.js';
import { LEDGER, namespaceExists } from './namespaces.js';
import { netnsBackend } from './backend.js';
import type { Exclusive } from './exclusive.js';
import { checkPool, type NetnsSession } from './session.js';
import { applyConditions, changeConditions, parseRate, type LinkConditions } from './traffic-control.js';

const TYPE = 'netns::Link';

const ATTRIBUTES = {
  address1: { type: 'string', help: 'The address of end 1 in CIDR form (e.g. 10.0.0.1/30); unset: a /30 from the pool.' },
  address2: { type: 'string', help: 'The address of end 2, on the subnet of address1.' },
  pool: { type: 'string', default: '10.0.0.0/16', help: "Where automatic /30s are taken from (shared by the run's links)." },
  interface1: { type: 'string', help: "The name of end 1's interface (default: the link's name when it fits in 15 characters)." },
  interface2: { type: 'string', help: "The name of end 2's interface (default: as interface1)." },
  mtu: { type: 'integer', range: [68, 65535], help: 'The MTU of both ends (default: the kernel default, 1500).' },
  rate: {
    type: 'string',
    runtime: true,
    help: 'Rate limit of each direction, a tc rate such as 1mbit or 500kbit (token bucket filter); may change while STARTED (tc qdisc change).',
  },
  delay: {
    type: 'duration',
    range: [0, 3_600_000],
    runtime: true,
    help: 'One-way delay added in each direction (needs netem in the kernel); may change while STARTED.',
  },
  loss: {
    type: 'double',
    range: [0, 100],
    runtime: true,
    help: 'Packet loss in percent, in each direction (needs netem in the kernel); may change while STARTED.',
  },
} as const;

type LinkData = Exclusive & {
  /** The addresses of its two ends, claimed at discover (explicit) or provision (from the pool). */
  addresses?: [InterfaceAddress, InterfaceAddress];
  /** Its veth pair, once it was asked for. */
  ends?: [End, End];
};

type LinkScope = ResourceScope<ValuesOf<typeof ATTRIBUTES>, LinkData, NetnsSession>;
type LinkStep = StepContext<ValuesOf<typeof ATTRIBUTES>, LinkData, NetnsSession>;

interface End {
  readonly node: string;
  readonly netns: string;
  readonly device: string;
}

function ends(ctx: Pick<LinkScope, 'connections' | 'runDir' | 'get' | 'guid'>): [End, End] {
  const nodes = ctx.connections('netns::Node');
  if (nodes.length !== 2) throw new Error(`a netns::Link joins exactly two netns::Node, '${ctx.guid}' is connected to ${nodes.length}`);
  const end = (node: ResourceView, i: 1 | 2): End => ({
    node: node.guid,
    netns: namespaceName(ctx.runDir, node.guid),
    device: ctx.get(`interface${i}`) ?? interfaceName(ctx.guid),
  });
  return [end(nodes[0]!, 1), end(nodes[1]!, 2)];
}

function attributeError(ctx: LinkStep, attribute: string, problem: string): AttributeValueError {
  return new AttributeValueError(ctx.guid, TYPE, attribute, problem);
}

/** Check every attribute and claim explicit addresses (synchronously: before any automatic one). */
function discover(ctx: LinkStep): void {
  assertRoot(ctx);
  const [one, two] = ends(ctx);
  if (one.device === two.device && one.netns === two.netns) throw new Error('both ends are on the same node');
  for (const attribute of ['interface1', 'interface2'] as const) {
    const name = ctx.get(attribute);
    if (name !== undefined && !/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/.test(name)) {
      throw attributeError(ctx, attribute, `'${name}' is not an interface name: 1-15 letters, digits, '_', '.', '-', starting with a letter`);
    }
  }
  const rate = ctx.get('rate');
  if (rate !== undefined) {
    try {
      parseRate(rate);
    } catch (error) {
      throw attributeError(ctx, 'rate', (error as Error).message);
    }
  }
  checkPool(ctx, TYPE);
  const given = [ctx.get('address1'), ctx.get('address2')] as (string | undefined)[];
  if ((given[0] === undefined) !== (given[1] === undefined)) {
    throw attributeError(
      ctx,
      given[0] === undefined ? 'address1' : 'address2',
      'is not set while the other address is: set both, or neither for automatic addresses',
    );
  }
  if (given[0] === undefined) return;
  const addresses = given.map((text, i) => {
    try {
      return parseAddress(text!);
    } catch (error) {
      throw attributeError(ctx, `address${i + 1}`, (error as Error).message);
    }
  }) as [InterfaceAddress, InterfaceAddress];
  const [a, b] = addresses.map(subnetOf);
  if (a!.network !== b!.network || a!.prefix !== b!.prefix) {
    throw attributeError(ctx, 'address2', `${given[1]} is not on the subnet of address1 ${given[0]}`);
  }
  if (addresses[0].address === addresses[1].address) throw attributeError(ctx, 'address2', `is the same address as address1 (${given[0]})`);
  ctx.session.claimSubnet(ctx.guid, a!, `subnet`);
  ctx.data.addresses = addresses;
}

function provision(ctx: LinkStep): void {
  if (ctx.data.addresses !== undefined) return;
  const subnet = ctx.session.allocateSubnet(ctx.guid, ctx.get('pool'), 30);
  ctx.data.addresses = [host(subnet, 1), host(subnet, 2)];
}

function deploy(ctx: LinkStep): Promise<void> {
  return exclusive(ctx, async () => {
    const [one, two] = ends(ctx);
    const addresses = ctx.data.addresses as [InterfaceAddress, InterfaceAddress];
    const where = { guid: ctx.guid, type: TYPE };
    // a retry (`retries`) starts afresh
    if (ctx.data.ends !== undefined) await removeLink(one);
    recordInLedger(ctx.runDir, LEDGER, { kind: 'veth', name: one.device, netns: one.netns, peer: two.device, peerNetns: two.netns, guid: ctx.guid });
    ctx.data.ends = [one, two];
    await ip(['link', 'add', 'name', one.device, 'netns', one.netns, 'type', 'veth', 'peer', 'name', two.device, 'netns', two.netns], where);
    const mtu = ctx.get('mtu');
    const conditions = conditionsOf(ctx);
    await allEnded(
      [one, two].map(async (end, i) => {
        const address = addresses[i]!;
        if (mtu !== undefined) await ip(['-n', end.netns, 'link', 'set', 'dev', end.device, 'mtu', String(mtu)], where);
        await ip(['-n', end.netns, 'address', 'add', formatAddress(address), 'dev', end.device], where);
        ctx.session.noteAddress(end.node, ctx.guid, address);
        await ip(['-n', end.netns, 'link', 'set', 'dev', end.device, 'up'], where);
        await applyConditions(end.netns, end.device, conditions, mtu ?? 1500, where);
      }),
    );
  });
}

function conditionsOf(ctx: Pick<LinkScope, 'get'>): LinkConditions {
  return {
    ...(ctx.get('rate') !== undefined ? { rate: ctx.get('rate') } : {}),
    ...(ctx.get('delay') !== undefined ? { delay: ctx.get('delay') } : {}),
    ...(ctx.get('loss') !== undefined ? { loss: ctx.get('loss') } : {}),
  };
}

/** While STARTED: a new rate, delay or loss on both ends, with the traffic flowing (see changeConditions). */
function set(ctx: LinkStep): Promise<void> {
  return exclusive(ctx, async () => {
    const { name, value } = ctx.change!;
    if (name === 'rate') {
      try {
        parseRate(value as string);
      } catch (error) {
        throw attributeError(ctx, 'rate', (error as Error).message);
      }
    }
    const made = ctx.data.ends;
    if (!made) throw new Error('its veth pair was not made');
    const before = conditionsOf(ctx);
    const after: LinkConditions = { ...before, [name]: value };
    const where = { guid: ctx.guid, type: TYPE };
    await allEnded(made.map((end) => changeConditions(end.netns, end.device, before, after, ctx.get('mtu') ?? 1500, where)));
  });
}

/** Delete a veth pair by one end: both go. Gone already when its namespace went first. */
async function removeLink(end: End): Promise<void> {
  if (!namespaceExists(end.netns)) return;
  await ip(['-n', end.netns, 'link', 'del', 'dev', end.device]).catch((error: unknown) => {
    if (!isGone(error)) throw error;
  });
}

function release(ctx: LinkStep): Promise<void> {
  return exclusive(ctx, async () => {
    const made = ctx.data.ends;
    try {
      if (made) await removeLink(made[0]);
    } finally {
      ctx.session.releaseOwner(ctx.guid);
    }
  });
}

async function linkExists(netns: string, device: string): Promise<boolean> {
  if (!namespaceExists(netns)) return false;
  return ip(['-n', netns, 'link', 'show', 'dev', device]).then(
    () => true,
    () => false,
  );
}

async function probe(resource: LinkScope): Promise<string[]> {
  const made = resource.data.ends;
  if (!made) return [];
  const found: string[] = [];
  for (const end of made) {
    if (await linkExists(end.netns, end.device)) found.push(`interface ${end.device} of '${resource.guid}' still exists in ${end.netns}`);
  }
  return found;
}

/** `netns::Link`: a veth pair joining two `netns::Node`, with addresses, MTU, rate limit and delay/loss. Needs root. */
export const NetnsLink = defineResourceType({
  type: TYPE,
  help: 'A veth pair joining two netns::Node (end 1 on the node connected first), with addresses, MTU, rate limit and delay/loss. Needs root.',
  backend: netnsBackend,
  attributes: ATTRIBUTES,
  data: (): LinkData => ({}),
  connectsTo: { 'netns::Node': { min: 2, max: 2 } },
  dependsOn: ['netns::Node'],
  steps: { discover, provision, deploy, set, release },
  probe,
  async reattach(ctx) {
    const [one, two] = ends(ctx);
    if (!(await linkExists(one.netns, one.device))) return { status: 'gone', reason: `interface ${one.device} does not exist in ${one.netns}` };
    ctx.data.ends = [one, two];
    return { status: 'running' };
  },
});
