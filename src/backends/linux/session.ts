/**
 * The linux backend's session: for one experiment, the SSH connection of each remote
 * linux::Node, shared by the node's steps and by everything that runs on it. A connection is
 * made on first use, closed and forgotten when its node is released; disposing of the session
 * (at the experiment's shutdown) closes any still open.
 */
import type { BackendSession } from '../../resources/backend.js';
import type { ExperimentView, ResourceView } from '../../resources/views.js';
import { describeTarget, hostOptions } from './transport/ssh/host-options.js';
import { SshHost } from './transport/ssh/host.js';

/** One node's SSH connection, as its executor and its steps reach it. */
export interface NodeConnection {
  readonly node: ResourceView;
  /** `user@host:port`. */
  readonly target: string;
  /** The node's connection, made (not yet connected) on first use or after it was closed. */
  host(): SshHost;
  /** The node's connection if it has one that was not closed. */
  open(): SshHost | undefined;
  /** Close the node's connection and forget it. */
  close(): void;
}

/** The linux backend's session for one experiment: each remote node's SSH connection, made on first use and closed when the node is released or the session is disposed of. */
export class LinuxSession implements BackendSession {
  readonly #hosts = new Map<string, SshHost>();
  readonly #connections = new Map<string, NodeConnection>();

  constructor(readonly experiment: ExperimentView) {}

  /** The connection of `node` (a remote linux::Node of this experiment). */
  connection(node: ResourceView): NodeConnection {
    let connection = this.#connections.get(node.guid);
    if (!connection) {
      const hosts = this.#hosts;
      const experiment = this.experiment;
      connection = {
        node,
        target: describeTarget(hostOptions(node)),
        host() {
          let host = hosts.get(node.guid);
          if (!host || host.state === 'closed') {
            host = new SshHost(hostOptions(node), { spawn: (logic, options) => experiment.createActor(logic, options), now: () => experiment.clock.now() });
            hosts.set(node.guid, host);
          }
          return host;
        },
        open() {
          const host = hosts.get(node.guid);
          return host && host.state !== 'closed' ? host : undefined;
        },
        close() {
          hosts.get(node.guid)?.close();
          hosts.delete(node.guid);
        },
      };
      this.#connections.set(node.guid, connection);
    }
    return connection;
  }

  /** How many connections are open (for tests and the live view). */
  get openConnections(): number {
    return [...this.#hosts.values()].filter((host) => host.state !== 'closed').length;
  }

  dispose(): void {
    for (const host of this.#hosts.values()) host.close();
    this.#hosts.clear();
  }
}
