/**
 * The built-in backends, registered in the default registry when imported. Only entry
 * points (`nepi`, `nepi/testing`, the CLI, the schema writer) import this: the engine itself
 * does not depend on any backend.
 *
 * | folder | types | session |
 * | --- | --- | --- |
 * | `dummy/` | `dummy::*` | none |
 * | `linux/` | `linux::*` (transports: `transport/local`, `transport/ssh`) | the SSH connections of remote nodes |
 * | `netns/` | `netns::*` | the subnets and addresses of the experiment's links |
 */
import { defaultRegistry } from '../resources/registry.js';
import { registerDummyTypes } from './dummy/index.js';
import { registerLinuxTypes } from './linux/index.js';
import { registerNetnsTypes } from './netns/index.js';

registerDummyTypes(defaultRegistry);
registerLinuxTypes(defaultRegistry);
registerNetnsTypes(defaultRegistry);

export { DummyApplication, DummyLink, DummyNode } from './dummy/index.js';
export { LinuxApplication, LinuxNode, LinuxPing, LinuxTcpdump } from './linux/index.js';
export { NetnsLink, NetnsNode, NetnsRoute, NetnsSwitch } from './netns/index.js';
