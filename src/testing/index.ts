/** Tools for testing experiments and resource types: `nepi/testing`. */
import '../backends/index.js';
export { VirtualClock } from './virtual-clock.js';
export { runInVirtualTime } from './run-in-virtual-time.js';
export type { VirtualRun } from './run-in-virtual-time.js';
