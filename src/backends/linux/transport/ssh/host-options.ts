/** A remote linux::Node's attributes, read once into what the SSH connection needs. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ResourceView } from '../../../../resources/views.js';
import { SshConnectionError } from './errors.js';

export const DEFAULT_PORT = 22;

export interface HostOptions {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  /** The private key file; undefined: the SSH agent, or a default key in ~/.ssh. */
  readonly identity: string | undefined;
  /** The identity key's passphrase, when it is encrypted (a credential). */
  readonly passphrase?: string;
  /** A jump host, `host` or `host:port`, reached first; the node's host is reached through it. */
  readonly gateway: string | undefined;
  readonly gatewayUser: string;
  /** The host key's fingerprint (`SHA256:...`, as `ssh-keygen -lf` prints it); undefined: not checked. */
  readonly hostKey: string | undefined;
  /** ms */
  readonly connectTimeout: number;
  readonly maxSessions: number;
  /** ms between keepalive probes; 3 unanswered probes drop the connection. */
  readonly keepaliveInterval: number;
  /** ms during which a dropped connection is tried again before the host is given up. */
  readonly reconnectTimeout: number;
  /**
   * ms the host may take to answer one operation on a connection that is up: open a session
   * (and start its command), close it once its command ended, open the monitor, an SFTP request;
   * nepi's own short commands (a kill, a check) must also end within it.
   */
  readonly operationTimeout: number;
  /** ms between the fallback checks of the exit files of watched applications the monitor is silent about. */
  readonly exitCheckInterval: number;
}

export function hostOptions(node: ResourceView): HostOptions {
  const username = (node.get('username') as string | undefined) ?? userInfo().username;
  return {
    hostname: node.get('hostname') as string,
    port: (node.get('port') as number | undefined) ?? DEFAULT_PORT,
    username,
    identity: node.get('identity') as string | undefined,
    ...(node.get('passphrase') !== undefined ? { passphrase: node.get('passphrase') as string } : {}),
    gateway: node.get('gateway') as string | undefined,
    gatewayUser: (node.get('gatewayUser') as string | undefined) ?? username,
    hostKey: node.get('hostKey') as string | undefined,
    connectTimeout: node.get('connectTimeout') as number,
    maxSessions: node.get('maxSessions') as number,
    keepaliveInterval: node.get('keepaliveInterval') as number,
    reconnectTimeout: node.get('reconnectTimeout') as number,
    operationTimeout: node.get('operationTimeout') as number,
    exitCheckInterval: node.get('exitCheckInterval') as number,
  };
}

/** `user@host:port`, as errors name a host. */
export function describeTarget(options: Pick<HostOptions, 'hostname' | 'port' | 'username'>): string {
  return `${options.username}@${options.hostname}:${options.port}`;
}

/** `host[:port]` of a gateway. */
export function parseGateway(gateway: string): { hostname: string; port: number } {
  const match = /^\[(.+)\](?::(\d+))?$/.exec(gateway) ?? /^([^:]+)(?::(\d+))?$/.exec(gateway);
  if (!match) return { hostname: gateway, port: DEFAULT_PORT };
  return { hostname: match[1]!, port: match[2] ? Number(match[2]) : DEFAULT_PORT };
}

export type Credentials =
  | { readonly privateKey: Buffer; readonly passphrase?: string; readonly source: string }
  | { readonly agent: string; readonly source: string };

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** The key to offer: `identity`, else the agent, else the first default key of ~/.ssh. */
export function credentials(options: HostOptions): Credentials {
  const target = describeTarget(options);
  if (options.identity !== undefined) {
    const path = expandHome(options.identity);
    try {
      const passphrase = options.passphrase === undefined ? {} : { passphrase: options.passphrase };
      return { privateKey: readFileSync(path), ...passphrase, source: `key ${options.identity}` };
    } catch (error) {
      throw new SshConnectionError(
        target,
        'identity',
        `cannot read the private key ${options.identity} (attribute identity) for ${target}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const agent = process.env['SSH_AUTH_SOCK'];
  if (agent) return { agent, source: `the SSH agent's keys (${agent})` };
  for (const name of DEFAULT_KEYS) {
    const path = join(homedir(), '.ssh', name);
    if (existsSync(path)) return { privateKey: readFileSync(path), source: `key ${path}` };
  }
  throw new SshConnectionError(
    target,
    'identity',
    `no key to offer ${target}: set the attribute identity, run an SSH agent (SSH_AUTH_SOCK), or put a key in ~/.ssh`,
  );
}
