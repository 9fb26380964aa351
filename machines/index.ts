/** The XState machines of nepi, free of I/O, for apps to embed and editors to show. */
export { resourceMachine } from './resource.js';
export type {
  ResourceActor,
  ResourceContext,
  ResourceEvent,
  ResourceInput,
  ResourceMachine,
  ResourceSnapshot,
  ResourceStateEvent,
  StepInput,
} from './resource.js';
export { controllerMachine } from './controller.js';
export type {
  ConditionEvent,
  ConditionEventKind,
  ControllerActor,
  ControllerContext,
  ControllerEmitted,
  ControllerEvent,
  ControllerInput,
  ControllerMachine,
  Failure,
  Interruption,
} from './controller.js';
export { ConditionIndex } from './conditions/condition-index.js';
export type { Gate, GateStatus, HeldCondition, IndexedResource, Watch, WatchKind } from './conditions/condition-index.js';
export { findCycle } from './conditions/cycles.js';
export type { CycleLink } from './conditions/cycles.js';
export { MinHeap } from './heap.js';
export type { HeapItem } from './heap.js';
export type { Clock } from './clock.js';
export {
  ACTIONS,
  ResourceAction,
  ResourceState,
  STATE_ORDER,
  STEPS,
  actionReaching,
  assertNever,
  isResourceAction,
  isResourceState,
  stateRank,
} from './lifecycle.js';
export type { StepName, StepPlan } from './lifecycle.js';
