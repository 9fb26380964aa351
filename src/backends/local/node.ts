/**
 * `linux::Node`: a host applications run on. This host by default; a remote host over SSH
 * when the node says so (see `isRemoteNode`).
 *
 * A remote node connects at discover (an unreachable host or a rejected key fails it there,
 * with an error saying which), makes its folder `~/.nepi/<expId>/<runId>` on the host at
 * provision, keeps its connection while STARTED (its `run` fails if the connection is lost
 * for good) and, at release (after its applications'), removes what of its applications'
 * folders is left and its folder when empty, and closes the connection.
 */
import { hostname } from 'node:os';
import { posix } from 'node:path';
import type { StepName } from '../../../machines/lifecycle.js';
import { defineResourceType, type ProbeContext, type ReattachOutcome, type ResourceView, type StepContext } from '../../resources/resource-type.js';
import { closeHost, hostFor, openHost } from '../ssh/hosts.js';
import { remoteRunDir } from '../ssh/remote-executor.js';
import { quote } from '../ssh/shell.js';

const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', '127.0.0.1', '::1', 'ip6-localhost', 'ip6-loopback']);

export function isLocalHost(name: string): boolean {
  // host names are case-insensitive, and a fully qualified name may end with a dot
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return LOCAL_NAMES.has(lower) || lower === hostname().toLowerCase() || /^127\./.test(lower);
}

/** Attributes that make a node remote when set, whatever its hostname. */
export const SSH_ATTRIBUTES = ['port', 'username', 'identity', 'gateway'] as const;

/**
 * Whether the node is reached over SSH: its hostname is not this machine, or one of `port`,
 * `username`, `identity`, `gateway` is set (so `hostname: 127.0.0.1` with a `port` is an
 * SSH server on this machine). Otherwise its applications run here, as child processes.
 */
export function isRemoteNode(node: ResourceView): boolean {
  return !isLocalHost(node.get('hostname') as string) || SSH_ATTRIBUTES.some((name) => node.get(name) !== undefined);
}

async function discover(ctx: StepContext): Promise<void> {
  if (!isRemoteNode(ctx)) return;
  await hostFor(ctx, ctx.runDir).connect(ctx.signal);
}

function provision(ctx: StepContext): Promise<void> {
  // not stopped by an abort once sent: the release waits for it, or the folder could come back after
  const making = makeRunDir(ctx);
  ctx.data['provisioning'] = making.catch(() => {});
  return making;
}

async function makeRunDir(ctx: StepContext): Promise<void> {
  const host = hostFor(ctx, ctx.runDir);
  await host.connect(ctx.signal);
  const dir = remoteRunDir(host, ctx);
  // not aborted with the step: a command already sent runs to its end on the host anyway
  const result = await host.exec(`command -v bash >/dev/null && command -v setsid >/dev/null && command -v base64 >/dev/null && mkdir -p ${quote(dir)}`);
  if (result.code !== 0) {
    throw new Error(`${host.target} cannot run applications: it needs bash, setsid and base64, and a writable ${dir} (${result.stderr.trim() || `exit ${result.code}`})`);
  }
}

/** While STARTED: fails when the connection is lost for good. */
async function run(ctx: StepContext): Promise<void> {
  try {
    await hostFor(ctx, ctx.runDir).whenLost(ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) return;
    throw error;
  }
}

async function release(ctx: StepContext): Promise<void> {
  await (ctx.data['provisioning'] as Promise<void> | undefined);
  const host = openHost(ctx, ctx.runDir);
  if (!host) return;
  try {
    if (host.state === 'ready') {
      const runDir = remoteRunDir(host, ctx);
      // its applications were released before it and removed their folders; one whose release
      // did not know its folder (a resumed run that never got to redo its upload) left it: gone
      // too. Then the run's folder and the experiment's, when empty (other nodes on the same
      // host and user share them: the last one released removes them)
      const apps = ctx.connections('linux::Application').map((app) => quote(posix.join(runDir, app.guid)));
      await host.exec(`${apps.length > 0 ? `rm -rf ${apps.join(' ')}; ` : ''}rmdir ${quote(runDir)} ${quote(posix.dirname(runDir))} 2>/dev/null; true`);
    }
  } finally {
    closeHost(ctx, ctx.runDir);
  }
}

/** A local node has nothing to do but check its hostname; a remote one runs every step. */
function skipStep(step: StepName, node: ResourceView): boolean {
  return !isRemoteNode(node) && step !== 'discover';
}

/** On resume: a remote node connects again (it is gone if it cannot); a local node is always there. */
async function reattach(ctx: StepContext): Promise<ReattachOutcome> {
  if (!isRemoteNode(ctx)) return { status: 'running' };
  try {
    await hostFor(ctx, ctx.runDir).connect(ctx.signal);
    return { status: 'running' };
  } catch (error) {
    return { status: 'gone', reason: (error as Error).message };
  }
}

/** After release: a remote node's connection is closed and its folder gone from the host (looked at over a new connection). */
async function probe(resource: ProbeContext): Promise<string[]> {
  if (!isRemoteNode(resource)) return [];
  const open = openHost(resource, resource.runDir);
  if (open) return [`the SSH connection of '${resource.guid}' to ${open.target} is still open (${open.state})`];
  const host = hostFor(resource, resource.runDir);
  try {
    await host.connect();
    const dir = remoteRunDir(host, resource);
    const result = await host.exec(`test -e ${quote(dir)} && echo left; true`);
    return result.stdout.includes('left') ? [`folder ${dir} of '${resource.guid}' is still on ${host.target}`] : [];
  } catch {
    return []; // a host that cannot be reached (a test of a failure) cannot be looked at
  } finally {
    closeHost(resource, resource.runDir);
  }
}

export const LinuxNode = defineResourceType({
  type: 'linux::Node',
  help: 'A Linux host that applications run on: this machine, or a remote host over SSH.',
  attributes: {
    hostname: {
      type: 'string',
      default: 'localhost',
      help: 'The host name or address; a name of this machine runs here unless an SSH attribute (port, username, identity, gateway) is set.',
    },
    port: { type: 'integer', range: [1, 65535], help: 'The SSH port (22 when unset); setting it makes the node remote.' },
    username: { type: 'string', help: 'The SSH user (this user when unset); setting it makes the node remote.' },
    identity: {
      type: 'string',
      help: 'The private key file for SSH; unset: the SSH agent (SSH_AUTH_SOCK), else ~/.ssh/id_ed25519, id_ecdsa or id_rsa.',
    },
    gateway: { type: 'string', help: 'A jump host, host or host:port, through which the node is reached.' },
    gatewayUser: { type: 'string', help: 'The SSH user on the gateway (default: username).' },
    hostKey: {
      type: 'string',
      help: "The host key's fingerprint, SHA256:... as ssh-keygen -lf prints it; when set, a host presenting another key fails at discover. Unset: not checked.",
    },
    connectTimeout: { type: 'duration', default: 10_000, range: [1, 3_600_000], help: 'How long a connection (TCP and SSH handshake) may take.' },
    maxSessions: {
      type: 'integer',
      default: 8,
      range: [1, 1000],
      help: "How many commands (SSH sessions) may run on the host at once; more wait. Above 8, raise the server's MaxSessions.",
    },
    keepaliveInterval: { type: 'duration', default: 5000, range: [100, 3_600_000], help: 'Time between SSH keepalives; 3 unanswered drop the connection.' },
    reconnectTimeout: {
      type: 'duration',
      default: 60_000,
      range: [0, 86_400_000],
      help: 'How long a dropped connection is tried again (with backoff) before the node fails.',
    },
  },
  connectsTo: ['linux::Application', 'linux::Ping', 'linux::Tcpdump'],
  steps: { discover, provision, run, release },
  // a remote node's run lasts as long as its connection: `nepi run` does not wait for it
  runWatches: true,
  skipStep,
  probe,
  reattach,
});
