/**
 * The linux backend, nepi's embedded default: `linux::Node` (this host or a remote one over
 * SSH) and what runs on nodes: `linux::Application`, `linux::Ping`, `linux::Tcpdump`. See
 * docs/resource-types.md and docs/ssh.md.
 */
import type { TypeRegistry } from '../../resources/registry.js';
import type { ResourceType } from '../../resources/resource-type.js';
import { LinuxApplication } from './application.js';
import { LinuxNode } from './node.js';
import { LinuxPing } from './ping.js';
import { LinuxTcpdump } from './tcpdump.js';

export { linuxBackend } from './backend.js';
export { LinuxApplication, launchOf, substitute } from './application.js';
export { LinuxNode, isLocalHost, isRemoteNode } from './node.js';
export { LinuxPing, parsePing, type PingResults } from './ping.js';
export { LinuxTcpdump } from './tcpdump.js';
export type { LinuxSession, NodeConnection } from './session.js';
export { createLocalExecutor, type LocalExecutorOptions } from './transport/local/local-executor.js';
export { SshConnectionError, type SshFailure } from './transport/ssh/errors.js';

export const LINUX_TYPES: readonly ResourceType[] = [LinuxNode, LinuxApplication, LinuxPing, LinuxTcpdump];

/** Register the linux backend's types (and so the backend) in `registry`. */
export function registerLinuxTypes(registry: TypeRegistry): void {
  for (const type of LINUX_TYPES) registry.register(type);
}
