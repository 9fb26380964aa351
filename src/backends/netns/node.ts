/**
 * `netns::Node`: a network namespace with loopback up, optionally forwarding IPv4. Created at
 * provision, deleted at release (with any process still inside it). It is a node: what runs
 * on it (a `linux::Application`, a `linux::Ping`) runs inside the namespace (its executor
 * puts `ip netns exec <namespace>` before every command, which keeps the process's pid and
 * group), after the node's links and switches are up.
 */
import { defineResourceType } from '../../resources/resource-type.js';
import { localShell } from '../linux/access.js';
import { createLocalExecutor } from '../linux/transport/local/local-executor.js';
import { netnsBackend } from './backend.js';
import { assertRoot, ip, run } from './commands.js';
import { exclusive } from './exclusive.js';
import { namespaceName } from './names.js';
import { createNamespace, namespaceExists, namespacePids, removeNamespace } from './namespaces.js';

/** `netns::Node`: a network namespace on this machine, a host with its own interfaces, addresses and routes. Needs root. */
export const NetnsNode = defineResourceType({
  type: 'netns::Node',
  help: 'A network namespace on this machine (loopback up): a host with its own interfaces, addresses and routes, on which applications run. Needs root.',
  backend: netnsBackend,
  attributes: {
    forwarding: { type: 'boolean', default: false, help: 'Whether it forwards IPv4 packets (a router).' },
  },
  data: (): { netns?: string; busy?: Promise<unknown> } => ({}),
  connectsTo: ['netns::Link', 'netns::Switch', 'netns::Route'],
  node: {
    executor(node) {
      const name = namespaceName(node.runDir, node.guid);
      return createLocalExecutor({ prefix: ['ip', 'netns', 'exec', name], where: `namespace ${name}` });
    },
    addresses: (node) => node.session.addressesOf(node.guid),
    // nepi exec / shell: inside the namespace, in the run directory
    access: (node) => {
      const name = namespaceName(node.runDir, node.guid);
      const inside = ['ip', 'netns', 'exec', name];
      return {
        where: `namespace ${name}`,
        cwd: node.runDir,
        argv: (command) => (command === undefined ? [...inside, localShell(), '-l'] : [...inside, 'bash', '-c', command]),
      };
    },
    // what runs on it finds its interfaces up
    ready: ['netns::Link', 'netns::Switch'],
  },
  steps: {
    discover: (ctx) => assertRoot(ctx),
    provision: (ctx) =>
      exclusive(ctx, async () => {
        const name = namespaceName(ctx.runDir, ctx.guid);
        // a retry (`retries`) starts afresh
        if (ctx.data.netns !== undefined) await removeNamespace(name, ctx.session);
        ctx.data.netns = name; // known before it exists: a release meanwhile removes it
        await createNamespace(ctx.runDir, name, ctx.guid, ctx.session);
        if (ctx.get('forwarding')) {
          await ip(['netns', 'exec', name, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'], ctx).catch(async () =>
            run('ip', ['netns', 'exec', name, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward'], ctx),
          );
        }
      }),
    release: (ctx) =>
      exclusive(ctx, async () => {
        if (ctx.data.netns !== undefined) await removeNamespace(ctx.data.netns, ctx.session);
      }),
  },
  async probe(resource) {
    const name = namespaceName(resource.runDir, resource.guid);
    if (!namespaceExists(name)) return [];
    const pids = await namespacePids(name);
    return [`network namespace ${name} of '${resource.guid}' still exists${pids.length > 0 ? ` (pids ${pids.join(', ')})` : ''}`];
  },
  reattach(ctx) {
    const name = namespaceName(ctx.runDir, ctx.guid);
    if (!namespaceExists(name)) return { status: 'gone', reason: `network namespace ${name} does not exist` };
    ctx.data.netns = name;
    return { status: 'running' };
  },
});
