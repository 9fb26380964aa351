/**
 * The built-in backends, registered in the default registry when imported. Only entry
 * points (`nepi`, `nepi/testing`, the CLI, the schema writer) import this: the engine itself
 * does not depend on any backend.
 */
import './dummy/index.js';
import './local/index.js';
import './ssh/index.js';
import './netns/index.js';

export { DummyApplication, DummyNode } from './dummy/index.js';
export { LinuxApplication, LinuxNode } from './local/index.js';
export { LinuxPing, LinuxTcpdump, NetnsLink, NetnsNode, NetnsRoute, NetnsSwitch } from './netns/index.js';
