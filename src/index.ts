/** nepi: describe, deploy, run and tear down network experiments. The public API. */
export { ExperimentController } from './experiment/experiment-controller.js';
export type {
  DeployOptions,
  ExperimentControllerOptions,
  ExperimentStatus,
  ResourceInfo,
  TraceAttr,
  TraceOptions,
} from './experiment/experiment-controller.js';
export type { ConditionDescription, ExperimentDescription, ResourceDescription } from './experiment/description.js';
export type { RunSummary, FailureSummary } from './run/summary.js';
export { ResourceAction, ResourceState, STATE_ORDER, STEPS } from '../machines/lifecycle.js';
export type { StepName } from '../machines/lifecycle.js';
export type { Failure } from '../machines/controller.js';
export type { ResourceStateEvent } from '../machines/resource.js';
export type { Clock } from '../machines/clock.js';
export type { CycleLink } from '../machines/conditions/cycles.js';
export { defineResourceType, matchesType } from './resources/resource-type.js';
export type {
  ConnectionRule,
  ResourceType,
  ResourceTypeDefinition,
  ResourceView,
  StepContext,
  StepFunction,
  TraceSpec,
} from './resources/resource-type.js';
export { registerResourceType, defaultRegistry, TypeRegistry } from './resources/registry.js';
export type { AttributeKind, AttributeSpec, AttributeValue } from './resources/attributes.js';
export { DummyApplication, DummyNode, LinuxApplication, LinuxNode } from './backends/index.js';
export {
  buildExperiment,
  experimentSchema,
  ExperimentFileError,
  formatExperiment,
  loadExperimentFile,
  parseExperiment,
  saveExperimentFile,
} from './files/index.js';
export type { ExperimentFileDescription, LoadOptions } from './files/index.js';
export { readRun } from './run/read-run.js';
export type { PastRun } from './run/read-run.js';
export type { EventRecord } from './run/event-record.js';
export { parseDuration, formatDuration } from './time/duration.js';
export type { Duration } from './time/duration.js';
export { RealClock, realClock } from './time/real-clock.js';
export {
  AttributeValueError,
  ConditionCycleError,
  ConditionError,
  ExperimentAbortedError,
  InvalidActionError,
  InvalidConnectionError,
  NepiError,
  UnknownAttributeError,
  UnknownResourceError,
  UnknownTypeError,
} from './errors.js';
