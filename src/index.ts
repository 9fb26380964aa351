/** nepi: describe, deploy, run and tear down network experiments. The public API. */
// the built-in backends (dummy, linux, netns) are registered in the default registry
import './backends/index.js';
export { ExperimentController } from './experiment/experiment-controller.js';
export type {
  DeployOptions,
  ExperimentControllerOptions,
  ExperimentStatus,
  ResourceInfo,
  TraceAttr,
  TraceOptions,
} from './experiment/experiment-controller.js';
export type { ResumeOptions } from './experiment/experiment-controller.js';
export type { ResumeRecord } from './experiment/restore.js';
export { DescriptionError } from './experiment/description-path.js';
export type { EntryPart as DescriptionPart, PathSegment as DescriptionPathSegment } from './experiment/description-path.js';
export type { ConditionDescription, ExperimentDescription, ResourceDescription } from './experiment/description.js';
export type { ConditionOptions, OnTimeout } from './experiment/rules.js';
export type { RunSummary, FailureSummary } from './run/summary.js';
export { ResourceAction, ResourceState, STATE_ORDER, STEPS } from '../machines/lifecycle.js';
export type { StepName } from '../machines/lifecycle.js';
export type { ConditionEvent, ConditionEventKind, Failure, Interruption } from '../machines/controller.js';
export type { ResourceStateEvent } from '../machines/resource.js';
export type { Clock } from '../machines/clock.js';
export type { CycleLink } from '../machines/conditions/cycles.js';
export { ConditionTimeoutError } from '../machines/conditions/condition-timeout-error.js';
export { defineResourceType, extendResourceType, matchesType } from './resources/resource-type.js';
export type {
  AttributeSpecs,
  ConnectionRule,
  NodeAccess,
  NodeSpec,
  ProbeFunction,
  ReattachFunction,
  ReattachOutcome,
  RecordedNode,
  ResourceType,
  ResourceTypeDefinition,
  ResourceTypeOverrides,
  ResultSpec,
  StepFunction,
  TraceSpec,
} from './resources/resource-type.js';
export type { ExperimentView, NodeView, ProbeContext, ResourceScope, ResourceView, StepContext } from './resources/views.js';
export type { Executor, Launch, RecordedState } from './resources/executor.js';
export { defineBackend } from './resources/backend.js';
export type { Backend, BackendDefinition, BackendSession, Cleaner, CleanReport } from './resources/backend.js';
export { connectionRule, dependsOnType, describeConnectsTo } from './resources/connections.js';
export type { ConnectionMatch } from './resources/connections.js';
export { registerResourceType, registerCleaner, defaultRegistry, TypeRegistry } from './resources/registry.js';
export { isResourceType, loadTypeModules, TypeModuleError, typeModulesOnPath, TYPES_PATH_VARIABLE } from './resources/type-modules.js';
export type { TypeModuleSource } from './resources/type-modules.js';
export type {
  AnyAttributeValues,
  AttributeKind,
  AttributeSpec,
  AttributeValue,
  AttributeValueOf,
  AttributeValues,
  BuiltInAttributeValues,
  ValuesOf,
} from './resources/attributes.js';
export type { TraceSource } from './run/traces.js';
export { DummyApplication, DummyLink, DummyNode } from './backends/dummy/index.js';
export {
  createLocalExecutor,
  isLocalHost,
  isRemoteNode,
  launchOf,
  linuxBackend,
  LinuxApplication,
  LinuxNode,
  LinuxPing,
  LinuxTcpdump,
  parsePing,
  SshConnectionError,
} from './backends/linux/index.js';
export type { LinuxSession, LocalExecutorOptions, NodeConnection, PingResults, SshFailure } from './backends/linux/index.js';
export {
  netnsBackend,
  NetnsLink,
  NetnsNode,
  NetnsRoute,
  NetnsSwitch,
  AddressError,
  AddressPoolExhaustedError,
  NetemUnavailableError,
  NetnsCommandError,
  NetnsUnavailableError,
} from './backends/netns/index.js';
export type { NetnsSession } from './backends/netns/index.js';
export { recordInLedger, readLedger } from './backends/ledger.js';
export type { LedgerEntry } from './backends/ledger.js';
export {
  buildExperiment,
  experimentSchema,
  ExperimentFileError,
  formatExperiment,
  loadExperimentFile,
  loadFileTypes,
  parseExperiment,
  saveExperimentFile,
  typeModulesOfFile,
} from './files/index.js';
export type { ExperimentFileDescription, FileTypesOptions, LoadOptions } from './files/index.js';
export type { ExpandedTopology, ResourceTemplate, TopologyDescription, TopologyKind } from './files/index.js';
export type { ParameterValue, Parameters } from './files/index.js';
export { CampaignError, confidenceInterval, plotCampaign, readCampaign, resumeCampaign, runExperiment, studentTQuantile } from './campaign/index.js';
export type {
  CampaignEvent,
  CampaignOptions,
  CampaignResult,
  CampaignRun,
  CampaignRunStatus,
  CampaignRuntime,
  CampaignState,
  CombinationResult,
  ExperimentFactory,
  FinishedRun,
  Interval,
  IntervalMethod,
  MetricFunction,
  RunContext,
  StopOptions,
  StopReason,
  Sweep,
} from './campaign/index.js';
export { serveLiveView } from './ui/live-view.js';
export type { LiveView, LiveViewOptions } from './ui/live-view.js';
export { thinInspection } from './ui/inspection/thin-inspection.js';
export type { ThinInspectionOptions } from './ui/inspection/thin-inspection.js';
export { readRun } from './run/read-run.js';
export type { PastRun } from './run/read-run.js';
export { buildTimeline } from './timeline/model.js';
export type { TimelineArrow, TimelineBar, TimelineDowntime, TimelineInput, TimelineInterruption, TimelineModel, TimelineRow } from './timeline/model.js';
export { renderTimelineSvg } from './timeline/svg.js';
export { renderTimelineHtml } from './timeline/html.js';
export { rebuildTimeline, readTimeline, writeTimelineFiles } from './timeline/write.js';
export { planExperimentFile } from './plan/run-plan.js';
export type { ExperimentPlan, PlanOptions, ResourcePlan } from './plan/run-plan.js';
export type { PlanHints } from './experiment/description.js';
export { experimentToDot } from './graph/dot.js';
export { dotToSvg } from './graph/svg.js';
export type { ConditionRecord, EventRecord, RunRecord, TryRecord } from './run/event-record.js';
export type { TryReport } from './resources/step-runner.js';
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
  RunStalledError,
  StepTimeoutError,
  UnknownAttributeError,
  UnknownResourceError,
  UnknownTypeError,
} from './errors.js';
