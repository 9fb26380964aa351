import { netnsBackend } from './backends.js';
import { matrixSuite } from './suite.js';

// network namespaces need root: CI runs as root, and this must not skip there
matrixSuite(netnsBackend);
