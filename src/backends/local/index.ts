/** The local backend, nepi's embedded default: `linux::Node` and `linux::Application` on this host. */
import { registerResourceType } from '../../resources/registry.js';
import { registerCleaner } from '../cleanup.js';
import { processCleaner } from './process-cleaner.js';
import { LinuxApplication } from './application.js';
import { LinuxNode } from './node.js';

export { LinuxApplication, substitute } from './application.js';
export { LinuxNode, isLocalHost } from './node.js';
export { killAllGroups } from './process-registry.js';

registerResourceType(LinuxNode);
registerResourceType(LinuxApplication);
registerCleaner(processCleaner);
