/** `netns::Route`: a static route on a `netns::Node`, added at deploy and removed at release. */
import { AttributeValueError } from '../../errors.js';
import { defineResourceType } from '../../resources/resource-type.js';
import type { ResourceView, StepContext } from '../../resources/views.js';
import { formatSubnet, parseAddress, parseSubnet } from './addresses.js';
import { assertRoot, ip, isGone } from './commands.js';
import { exclusive, type Exclusive } from './exclusive.js';
import { namespaceName } from './names.js';
import { namespaceExists } from './namespaces.js';
import { netnsBackend } from './backend.js';

const TYPE = 'netns::Route';

type RouteData = Exclusive & {
  /** The route added, to remove it at release. */
  route?: { readonly netns: string; readonly args: readonly string[] };
};

type RouteStep = StepContext<{ readonly destination: string; readonly via: string }, RouteData>;

function node(ctx: Pick<ResourceView, 'connections'> & { readonly runDir: string }): string {
  const nodes = ctx.connections('netns::Node');
  if (nodes.length !== 1) throw new Error(`a netns::Route is on exactly one netns::Node, it is connected to ${nodes.length}`);
  return namespaceName(ctx.runDir, nodes[0]!.guid);
}

/** `ip route` arguments: destination (a subnet, normalised, or `default`) and gateway. */
function routeArguments(ctx: Pick<ResourceView, 'get' | 'guid'>): string[] {
  const destination = ctx.get('destination') as string;
  const via = ctx.get('via') as string;
  let dest = 'default';
  if (destination !== 'default') {
    try {
      dest = formatSubnet(parseSubnet(destination.includes('/') ? destination : `${destination}/32`));
    } catch (error) {
      throw new AttributeValueError(ctx.guid, TYPE, 'destination', (error as Error).message);
    }
  }
  try {
    parseAddress(via, { prefixRequired: false });
  } catch (error) {
    throw new AttributeValueError(ctx.guid, TYPE, 'via', (error as Error).message);
  }
  return [dest, 'via', via.replace(/\/\d+$/, '')];
}

function discover(ctx: RouteStep): void {
  assertRoot(ctx);
  routeArguments(ctx);
}

function deploy(ctx: RouteStep): Promise<void> {
  return exclusive(ctx, async () => {
    const netns = node(ctx);
    const args = routeArguments(ctx);
    // a retry (`retries`) starts afresh
    if (ctx.data.route !== undefined) await ip(['-n', netns, 'route', 'del', ...args]).catch(() => undefined);
    ctx.data.route = { netns, args };
    await ip(['-n', netns, 'route', 'add', ...args], ctx);
  });
}

function release(ctx: RouteStep): Promise<void> {
  return exclusive(ctx, async () => {
    const route = ctx.data.route;
    if (!route || !namespaceExists(route.netns)) return;
    await ip(['-n', route.netns, 'route', 'del', ...route.args]).catch((error: unknown) => {
      if (!isGone(error)) throw error;
    });
  });
}

/** `netns::Route`: a static route on a `netns::Node`, deployed after the links of its node. */
export const NetnsRoute = defineResourceType({
  type: TYPE,
  help: 'A static route on a netns::Node: packets to destination go through the gateway via. Deployed after the links of its node.',
  attributes: {
    destination: { type: 'string', required: true, help: 'The destination subnet in CIDR form (e.g. 10.0.0.8/30), an address, or default.' },
    via: { type: 'string', required: true, help: 'The gateway address, on a subnet of one of the node links.' },
  },
  backend: netnsBackend,
  data: (): RouteData => ({}),
  connectsTo: { 'netns::Node': { min: 1, max: 1 } },
  dependsOn: ['netns::Node', 'netns::Node > netns::Link', 'netns::Node > netns::Switch'],
  steps: { discover, deploy, release },
  async reattach(ctx) {
    const netns = node(ctx);
    const args = routeArguments(ctx);
    if (!namespaceExists(netns)) return { status: 'gone', reason: `the namespace ${netns} of its node does not exist` };
    const shown = await ip(['-n', netns, 'route', 'show', args[0]!]).catch(() => '');
    if (!shown.includes(`via ${args[2]}`)) return { status: 'gone', reason: `no route to ${args[0]} via ${args[2]} in ${netns}` };
    ctx.data.route = { netns, args };
    return { status: 'running' };
  },
});
