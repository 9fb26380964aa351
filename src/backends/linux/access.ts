/**
 * How `nepi exec` and `nepi shell` reach a `linux::Node` of a running experiment: this host
 * (the command runs here, in the run directory), or a remote host through the OpenSSH client
 * (`ssh`), with the node's port, user, key and gateway, starting in the run's folder on the
 * host. OpenSSH checks the host key against `~/.ssh/known_hosts`, accepting a host it has
 * never seen (`StrictHostKeyChecking=accept-new`) and refusing one whose key changed.
 */
import { posix } from 'node:path';
import { userInfo } from 'node:os';
import type { NodeAccess, RecordedNode } from '../../resources/resource-type.js';
import { isRemoteNode } from './node-attributes.js';
import { DEFAULT_PORT, describeTarget, parseGateway } from './transport/ssh/host-options.js';
import { quote } from './transport/ssh/shell.js';

export function linuxNodeAccess(node: RecordedNode): NodeAccess {
  if (!isRemoteNode(node)) {
    return { where: 'this host', cwd: node.runDir, argv: (command) => (command === undefined ? [localShell(), '-l'] : ['bash', '-c', command]) };
  }
  const username = (node.get('username') as string | undefined) ?? userInfo().username;
  const hostname = node.get('hostname') as string;
  const port = (node.get('port') as number | undefined) ?? DEFAULT_PORT;
  const identity = node.get('identity') as string | undefined;
  const gateway = node.get('gateway') as string | undefined;
  const connectTimeout = Math.max(1, Math.ceil((node.get('connectTimeout') as number) / 1000));
  // where the run's applications have their folders, relative to the login's home
  const folder = posix.join('.nepi', node.expId, node.runId);
  return {
    where: describeTarget({ username, hostname, port }),
    argv(command, { tty, sshOptions = [] }) {
      const jump = gateway === undefined ? [] : ['-J', jumpHost(gateway, (node.get('gatewayUser') as string | undefined) ?? username)];
      const key = identity === undefined ? [] : ['-i', identity, '-o', 'IdentitiesOnly=yes'];
      const options = ['StrictHostKeyChecking=accept-new', `ConnectTimeout=${connectTimeout}`, ...sshOptions].flatMap((o) => ['-o', o]);
      const go = `cd ${quote(folder)} 2>/dev/null; `;
      const remote = command === undefined ? `${go}exec "\${SHELL:-bash}" -l` : `${go}${command}`;
      return ['ssh', '-p', String(port), ...key, ...jump, ...options, tty ? '-t' : '-T', `${username}@${hostname}`, '--', remote];
    },
  };
}

/** `user@host:port` for `ssh -J` (IPv6 in brackets). */
function jumpHost(gateway: string, user: string): string {
  const { hostname, port } = parseGateway(gateway);
  return `${user}@${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
}

/** The user's shell, as a login shell would be. */
export function localShell(): string {
  return process.env['SHELL'] || 'bash';
}
