import { dummyBackend } from './backends.js';
import { matrixSuite } from './suite.js';

matrixSuite(dummyBackend);
