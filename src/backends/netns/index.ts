/**
 * The netns backend: emulated networks on this machine, built of network namespaces joined
 * by veth pairs and bridges (`netns::Node`, `netns::Link`, `netns::Switch`, `netns::Route`),
 * with `linux::Ping` and `linux::Tcpdump` to measure and capture on them. See docs/netns.md.
 */
import { registerResourceType } from '../../resources/registry.js';
import { registerCleaner } from '../cleanup.js';
import { netnsCleaner } from './cleaner.js';
import { NetnsLink } from './link.js';
import { NetnsNode } from './node.js';
import { LinuxPing } from './ping.js';
import { NetnsRoute } from './route.js';
import { NetnsSwitch } from './switch.js';
import { LinuxTcpdump } from './tcpdump.js';

export { NetnsLink, NetnsNode, NetnsRoute, NetnsSwitch, LinuxPing, LinuxTcpdump, netnsCleaner };
export { parsePing, type PingResults } from './ping.js';
export { commandPrefixFor } from './exec-prefix.js';
export {
  AddressError,
  AddressPoolExhaustedError,
  NetemUnavailableError,
  NetnsCommandError,
  NetnsUnavailableError,
} from './errors.js';

registerResourceType(NetnsNode);
registerResourceType(NetnsLink);
registerResourceType(NetnsSwitch);
registerResourceType(NetnsRoute);
registerResourceType(LinuxPing);
registerResourceType(LinuxTcpdump);
registerCleaner(netnsCleaner);
