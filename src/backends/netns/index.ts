/**
 * The netns backend: emulated networks on this machine, built of network namespaces joined
 * by veth pairs and bridges (`netns::Node`, `netns::Link`, `netns::Switch`, `netns::Route`).
 * What runs on a netns::Node (`linux::Application`, `linux::Ping`, `linux::Tcpdump`) runs
 * inside its namespace. See docs/netns.md.
 */
import type { TypeRegistry } from '../../resources/registry.js';
import type { ResourceType } from '../../resources/resource-type.js';
import { NetnsLink } from './link.js';
import { NetnsNode } from './node.js';
import { NetnsRoute } from './route.js';
import { NetnsSwitch } from './switch.js';

export { netnsBackend } from './backend.js';
export { netnsCleaner } from './cleaner.js';
export { NetnsLink, NetnsNode, NetnsRoute, NetnsSwitch };
export type { NetnsSession } from './session.js';
export { AddressError, AddressPoolExhaustedError, NetemUnavailableError, NetnsCommandError, NetnsUnavailableError } from './errors.js';

export const NETNS_TYPES: readonly ResourceType[] = [NetnsNode, NetnsLink, NetnsSwitch, NetnsRoute];

/** Register the netns backend's types (and so the backend) in `registry`. */
export function registerNetnsTypes(registry: TypeRegistry): void {
  for (const type of NETNS_TYPES) registry.register(type);
}
