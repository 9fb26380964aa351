/**
 * `linux::Node`: a host that applications run on. This host by default; a remote host over
 * SSH when the node says so (see `isRemoteNode`). Its executor runs what runs on it: as
 * child processes here (transport/local), or over its SSH connection (transport/ssh).
 *
 * A remote node connects at discover (an unreachable host or a rejected key fails it there,
 * with an error saying which), makes its folder `~/.nepi/<expId>/<runId>` on the host at
 * provision, keeps its connection while STARTED (its `run` fails if the connection is lost
 * for good) and, at release (after what runs on it), removes what of their folders is left
 * and its folder when empty, and closes the connection.
 */
import { posix } from 'node:path';
import type { StepName } from '../../../machines/lifecycle.js';
import type { ValuesOf } from '../../resources/attributes.js';
import { defineResourceType, type ReattachOutcome } from '../../resources/resource-type.js';
import type { ResourceScope, ResourceView, StepContext } from '../../resources/views.js';
import { linuxNodeAccess } from './access.js';
import { linuxBackend } from './backend.js';
import { isRemoteNode, LINUX_NODE_ATTRIBUTES } from './node-attributes.js';
import type { LinuxSession, NodeConnection } from './session.js';
import { createLocalExecutor } from './transport/local/local-executor.js';
import { createRemoteExecutor, remoteRunDir } from './transport/ssh/remote-executor.js';
import { quote } from './transport/ssh/shell.js';

export { isLocalHost, isRemoteNode } from './node-attributes.js';

type NodeValues = ValuesOf<typeof LINUX_NODE_ATTRIBUTES>;
type NodeData = {
  /** The making of its folder on the host, which a release waits for. */
  provisioning?: Promise<void>;
};
type Scope = ResourceScope<NodeValues, NodeData, LinuxSession>;
type Step = StepContext<NodeValues, NodeData, LinuxSession>;

const connection = (node: Scope): NodeConnection => node.session.connection(node);

async function discover(ctx: Step): Promise<void> {
  if (!isRemoteNode(ctx)) return;
  await connection(ctx).host().connect(ctx.signal);
}

function provision(ctx: Step): Promise<void> {
  // not stopped by an abort once sent: the release waits for it, or the folder could come back after
  const making = makeRunDir(ctx);
  ctx.data.provisioning = making.catch(() => {});
  return making;
}

async function makeRunDir(ctx: Step): Promise<void> {
  const host = connection(ctx).host();
  await host.connect(ctx.signal);
  const dir = remoteRunDir(host, ctx);
  // not aborted with the step: a command already sent runs to its end on the host anyway
  const result = await host.execShort(
    `command -v bash >/dev/null && command -v setsid >/dev/null && command -v base64 >/dev/null && mkdir -p ${quote(dir)}`,
    'the check of the tools and the making of the run folder',
  );
  if (result.code !== 0) {
    throw new Error(
      `${host.target} cannot run applications: it needs bash, setsid and base64, and a writable ${dir} (${result.stderr.trim() || `exit ${result.code}`})`,
    );
  }
}

/** While STARTED: fails when the connection is lost for good. */
async function run(ctx: Step): Promise<void> {
  try {
    await connection(ctx).host().whenLost(ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) return;
    throw error;
  }
}

async function release(ctx: Step): Promise<void> {
  await ctx.data.provisioning;
  const conn = connection(ctx);
  const host = conn.open();
  if (!host) return;
  try {
    if (host.state === 'ready') {
      const runDir = remoteRunDir(host, ctx);
      // what runs on it was released before it and removed its folders; one whose release did
      // not know its folder (a resumed run that never got to redo its upload) left it: gone
      // too. Then the run's folder and the experiment's, when empty (other nodes on the same
      // host and user share them: the last one released removes them)
      const apps = ctx.connections().map((app) => quote(posix.join(runDir, app.guid)));
      await host.execShort(
        `${apps.length > 0 ? `rm -rf ${apps.join(' ')}; ` : ''}rmdir ${quote(runDir)} ${quote(posix.dirname(runDir))} 2>/dev/null; true`,
        'the removal of the run folder',
      );
    }
  } finally {
    conn.close();
  }
}

/** A local node has nothing to do but check its hostname; a remote one runs every step. */
function skipStep(step: StepName, node: Pick<ResourceView, 'get'>): boolean {
  return !isRemoteNode(node) && step !== 'discover';
}

/** On resume: a remote node connects again (it is gone if it cannot); a local node is always there. */
async function reattach(ctx: Step): Promise<ReattachOutcome> {
  if (!isRemoteNode(ctx)) return { status: 'running' };
  try {
    await connection(ctx).host().connect(ctx.signal);
    return { status: 'running' };
  } catch (error) {
    return { status: 'gone', reason: (error as Error).message };
  }
}

/** After release: a remote node's connection is closed and its folder gone from the host (looked at over a new connection). */
async function probe(resource: Scope): Promise<string[]> {
  if (!isRemoteNode(resource)) return [];
  const conn = connection(resource);
  const open = conn.open();
  if (open) return [`the SSH connection of '${resource.guid}' to ${open.target} is still open (${open.state})`];
  const host = conn.host();
  try {
    await host.connect();
    const dir = remoteRunDir(host, resource);
    const result = await host.execShort(`test -e ${quote(dir)} && echo left; true`, 'the probe of the run folder');
    return result.stdout.includes('left') ? [`folder ${dir} of '${resource.guid}' is still on ${host.target}`] : [];
  } catch {
    return []; // a host that cannot be reached (a test of a failure) cannot be looked at
  } finally {
    conn.close();
  }
}

/** `linux::Node`: a Linux host that applications run on, this machine or a remote host over SSH. */
export const LinuxNode = defineResourceType({
  type: 'linux::Node',
  help: 'A Linux host that applications run on: this machine, or a remote host over SSH.',
  backend: linuxBackend,
  attributes: LINUX_NODE_ATTRIBUTES,
  data: (): NodeData => ({}),
  node: {
    executor: (node) => (isRemoteNode(node) ? createRemoteExecutor(connection(node)) : createLocalExecutor()),
    access: linuxNodeAccess,
  },
  steps: { discover, provision, run, release },
  // a remote node's run lasts as long as its connection: `nepi run` does not wait for it
  runWatches: true,
  skipStep,
  probe,
  reattach,
});
