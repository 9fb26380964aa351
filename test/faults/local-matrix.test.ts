import { localBackend } from './backends.js';
import { matrixSuite } from './suite.js';

matrixSuite(localBackend);
