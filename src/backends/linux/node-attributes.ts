/**
 * What makes a `linux::Node` this host or a remote one, and its attributes: shared by the
 * type (node.ts) and by the SSH cleaner, which reads the nodes of a dead run's description.
 */
import { hostname } from 'node:os';
import type { ResourceView } from '../../resources/views.js';

const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', '127.0.0.1', '::1', 'ip6-localhost', 'ip6-loopback']);

/** Whether a host name means this machine: `localhost` and its variants, 127.x.x.x, `::1`, or this host's own name (case-insensitive). */
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
 * SSH server on this machine). Otherwise what runs on it runs here, as child processes.
 */
export function isRemoteNode(node: Pick<ResourceView, 'get'>): boolean {
  return !isLocalHost(node.get('hostname') as string) || SSH_ATTRIBUTES.some((name) => node.get(name) !== undefined);
}

export const LINUX_NODE_ATTRIBUTES = {
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
  passphrase: {
    type: 'string',
    credential: true,
    help: 'The passphrase of the identity key, when the key is encrypted. A credential: written nowhere (experiment.json, events, summaries show ***).',
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
  operationTimeout: {
    type: 'duration',
    default: 30_000,
    range: [100, 3_600_000],
    help: "How long the host may take to answer one SSH operation (open or close a session, open the monitor, an SFTP request, one of nepi's short commands) before it fails with a timeout.",
  },
  exitCheckInterval: {
    type: 'duration',
    default: 10_000,
    range: [100, 3_600_000],
    help: "How often the exit files of the node's running applications are also read by a command of their own, should the monitor miss an end.",
  },
} as const;
