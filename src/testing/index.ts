/** Tools for testing experiments and resource types: `nepi/testing`. */
import '../backends/index.js';
export { VirtualClock } from './virtual-clock.js';
export { runInVirtualTime } from './run-in-virtual-time.js';
export type { VirtualRun } from './run-in-virtual-time.js';
export {
  formatLifecyclePath,
  lifecyclePoint,
  lifecycleTestModel,
  resolveLifecyclePath,
  shortestLifecyclePaths,
  simpleLifecyclePaths,
} from './lifecycle-model.js';
export type { LifecycleAction, LifecycleEvent, LifecycleModelOptions, LifecyclePath, LifecyclePathStep, LifecyclePoint } from './lifecycle-model.js';
export { failingAt, InjectedFailure, ResourceTypeTestError, testResourceType } from './test-resource-type.js';
export type { ConnectedResource, PathFailure, ResourceTypeReport, TestResourceTypeOptions } from './test-resource-type.js';
export type { ProbeContext, ProbeFunction } from '../resources/resource-type.js';
