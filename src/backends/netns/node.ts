/**
 * `netns::Node`: a network namespace with loopback up, optionally forwarding IPv4. Created at
 * provision, deleted at release (with any process still inside it).
 */
import { defineResourceType, type ProbeContext, type StepContext } from '../../resources/resource-type.js';
import { assertRoot, ip, run } from './commands.js';
import { exclusive } from './exclusive.js';
import { namespaceName } from './names.js';
import { createNamespace, namespaceExists, namespacePids, removeNamespace } from './namespaces.js';

function discover(ctx: StepContext): void {
  assertRoot(ctx);
}

function provision(ctx: StepContext): Promise<void> {
  return exclusive(ctx, async () => {
    const name = namespaceName(ctx.runDir, ctx.guid);
    // a retry (`retries`) starts afresh
    if (ctx.data['netns'] !== undefined) await removeNamespace(name);
    ctx.data['netns'] = name; // known before it exists: a release meanwhile removes it
    await createNamespace(ctx.runDir, name, ctx.guid);
    if (ctx.get('forwarding') === true) {
      await ip(['netns', 'exec', name, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'], ctx).catch(async () =>
        run('ip', ['netns', 'exec', name, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward'], ctx),
      );
    }
  });
}

function release(ctx: StepContext): Promise<void> {
  return exclusive(ctx, async () => {
    const name = ctx.data['netns'] as string | undefined;
    if (name !== undefined) await removeNamespace(name);
  });
}

async function probe(resource: ProbeContext): Promise<string[]> {
  const name = namespaceName(resource.runDir, resource.guid);
  if (!namespaceExists(name)) return [];
  const pids = await namespacePids(name);
  return [`network namespace ${name} of '${resource.guid}' still exists${pids.length > 0 ? ` (pids ${pids.join(', ')})` : ''}`];
}

export const NetnsNode = defineResourceType({
  type: 'netns::Node',
  help: 'A network namespace on this machine (loopback up): a host with its own interfaces, addresses and routes. Needs root.',
  attributes: {
    forwarding: { type: 'boolean', default: false, help: 'Whether it forwards IPv4 packets (a router).' },
  },
  connectsTo: [
    'netns::Link',
    'netns::Switch',
    'netns::Route',
    'linux::Application',
    'linux::Ping',
    'linux::Tcpdump',
  ],
  steps: { discover, provision, release },
  probe,
  reattach(ctx) {
    const name = namespaceName(ctx.runDir, ctx.guid);
    if (!namespaceExists(name)) return { status: 'gone', reason: `network namespace ${name} does not exist` };
    ctx.data['netns'] = name;
    return { status: 'running' };
  },
});
