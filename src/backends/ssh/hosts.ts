/**
 * The SSH connection of each remote linux::Node, kept by run directory and node guid, so that
 * the node's steps and its applications share it. Made on first use, closed and forgotten
 * when the node is released.
 */
import type { ResourceView } from '../../resources/resource-type.js';
import { hostOptions } from './host-options.js';
import { SshHost } from './host.js';

const hosts = new Map<string, SshHost>();

const keyOf = (node: ResourceView, runDir: string) => `${runDir}\0${node.guid}`;

/** The connection of `node` (in the run at `runDir`), made (not yet connected) on first use or after it was closed. */
export function hostFor(node: ResourceView, runDir: string): SshHost {
  const key = keyOf(node, runDir);
  let host = hosts.get(key);
  if (!host || host.state === 'closed') {
    host = new SshHost(hostOptions(node));
    hosts.set(key, host);
  }
  return host;
}

/** The connection of `node` if it has one that was not closed. */
export function openHost(node: ResourceView, runDir: string): SshHost | undefined {
  const host = hosts.get(keyOf(node, runDir));
  return host && host.state !== 'closed' ? host : undefined;
}

export function closeHost(node: ResourceView, runDir: string): void {
  const key = keyOf(node, runDir);
  hosts.get(key)?.close();
  hosts.delete(key);
}
