/**
 * `netns::Switch`: a Linux bridge in a namespace of its own, joined by each connected
 * `netns::Node` through a veth pair (the node's end named after the switch, the bridge's
 * port after the node). Its members share one subnet: `subnet`, or the smallest block that
 * holds them taken from the run's pool; members get its hosts in connection order.
 * Deleting its namespace at release removes the bridge and every port.
 */
import { AttributeValueError } from '../../errors.js';
import type { ValuesOf } from '../../resources/attributes.js';
import { defineResourceType } from '../../resources/resource-type.js';
import type { ResourceScope, StepContext } from '../../resources/views.js';
import { recordInLedger } from '../ledger.js';
import { formatAddress, host, hostCount, parseSubnet, prefixFor, type InterfaceAddress, type Subnet } from './addresses.js';
import { assertRoot, ip } from './commands.js';
import { allEnded, exclusive } from './exclusive.js';
import { BRIDGE, interfaceName, namespaceName } from './names.js';
import { createNamespace, LEDGER, namespaceExists, namespacePids, removeNamespace } from './namespaces.js';
import { netnsBackend } from './backend.js';
import type { Exclusive } from './exclusive.js';
import { checkPool, type NetnsSession } from './session.js';

const TYPE = 'netns::Switch';

const ATTRIBUTES = {
  subnet: { type: 'string', help: "The members' subnet in CIDR form (e.g. 10.1.0.0/24); unset: the smallest that fits, from the pool." },
  pool: { type: 'string', default: '10.0.0.0/16', help: 'Where an automatic subnet is taken from.' },
} as const;

type SwitchData = Exclusive & {
  subnet?: Subnet;
  /** Its namespace, once it was asked for. */
  netns?: string;
};

type SwitchScope = ResourceScope<ValuesOf<typeof ATTRIBUTES>, SwitchData, NetnsSession>;
type SwitchStep = StepContext<ValuesOf<typeof ATTRIBUTES>, SwitchData, NetnsSession>;

function discover(ctx: SwitchStep): void {
  assertRoot(ctx);
  checkPool(ctx, TYPE);
  const text = ctx.get('subnet');
  if (text === undefined) return;
  let subnet: Subnet;
  try {
    subnet = parseSubnet(text);
  } catch (error) {
    throw new AttributeValueError(ctx.guid, TYPE, 'subnet', (error as Error).message);
  }
  const members = ctx.connections('netns::Node').length;
  if (hostCount(subnet) < members) {
    throw new AttributeValueError(ctx.guid, TYPE, 'subnet', `${text} holds ${hostCount(subnet)} hosts, fewer than the ${members} nodes connected`);
  }
  ctx.session.claimSubnet(ctx.guid, subnet, 'subnet');
  ctx.data.subnet = subnet;
}

function provision(ctx: SwitchStep): Promise<void> {
  if (ctx.data.subnet === undefined) {
    const members = ctx.connections('netns::Node').length;
    ctx.data.subnet = ctx.session.allocateSubnet(ctx.guid, ctx.get('pool'), prefixFor(members));
  }
  return exclusive(ctx, async () => {
    const name = namespaceName(ctx.runDir, ctx.guid);
    // a retry (`retries`) starts afresh
    if (ctx.data.netns !== undefined) await removeNamespace(name, ctx.session);
    ctx.data.netns = name;
    await createNamespace(ctx.runDir, name, ctx.guid, ctx.session);
    recordInLedger(ctx.runDir, LEDGER, { kind: 'bridge', name: BRIDGE, netns: name, guid: ctx.guid });
    await ip(['-n', name, 'link', 'add', BRIDGE, 'type', 'bridge'], ctx);
    await ip(['-n', name, 'link', 'set', BRIDGE, 'up'], ctx);
  });
}

function deploy(ctx: SwitchStep): Promise<void> {
  return exclusive(ctx, async () => {
    const netns = ctx.data.netns!;
    const subnet = ctx.data.subnet!;
    const port = interfaceName(ctx.guid);
    await allEnded(
      ctx.connections('netns::Node').map(async (node, i) => {
        const nodeNs = namespaceName(ctx.runDir, node.guid);
        const bridgePort = interfaceName(node.guid);
        const address: InterfaceAddress = host(subnet, i + 1);
        recordInLedger(ctx.runDir, LEDGER, { kind: 'veth', name: port, netns: nodeNs, peer: bridgePort, peerNetns: netns, guid: ctx.guid });
        // a retry (`retries`) starts afresh
        await ip(['-n', netns, 'link', 'del', bridgePort]).catch(() => undefined);
        await ip(['link', 'add', 'name', port, 'netns', nodeNs, 'type', 'veth', 'peer', 'name', bridgePort, 'netns', netns], ctx);
        await ip(['-n', netns, 'link', 'set', bridgePort, 'master', BRIDGE, 'up'], ctx);
        await ip(['-n', nodeNs, 'address', 'add', formatAddress(address), 'dev', port], ctx);
        await ip(['-n', nodeNs, 'link', 'set', port, 'up'], ctx);
        ctx.session.noteAddress(node.guid, ctx.guid, address);
      }),
    );
  });
}

function release(ctx: SwitchStep): Promise<void> {
  return exclusive(ctx, async () => {
    try {
      const name = ctx.data.netns;
      if (name !== undefined) await removeNamespace(name, ctx.session);
    } finally {
      ctx.session.releaseOwner(ctx.guid);
    }
  });
}

async function probe(resource: SwitchScope): Promise<string[]> {
  const name = namespaceName(resource.runDir, resource.guid);
  if (!namespaceExists(name)) return [];
  const pids = await namespacePids(name);
  return [`the namespace ${name} of switch '${resource.guid}' still exists${pids.length ? ` (pids ${pids.join(', ')})` : ''}`];
}

/** `netns::Switch`: a Linux bridge in its own namespace that connected `netns::Node` join on one subnet. Needs root. */
export const NetnsSwitch = defineResourceType({
  type: TYPE,
  help: 'A Linux bridge (in its own namespace) that the connected netns::Node join through their own veth pairs, on one subnet. Needs root.',
  backend: netnsBackend,
  attributes: ATTRIBUTES,
  data: (): SwitchData => ({}),
  connectsTo: { 'netns::Node': { min: 1 } },
  dependsOn: ['netns::Node'],
  steps: { discover, provision, deploy, release },
  probe,
  reattach(ctx) {
    const name = namespaceName(ctx.runDir, ctx.guid);
    if (!namespaceExists(name)) return { status: 'gone', reason: `network namespace ${name} of the switch does not exist` };
    ctx.data.netns = name;
    return { status: 'running' };
  },
});
