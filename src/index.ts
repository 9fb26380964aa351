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
export type { ResumeOptions, ResumeRecord } from './experiment/resume.js';
export type { ConditionDescription, ExperimentDescription, ResourceDescription } from './experiment/description.js';
export type { ConditionOptions, OnTimeout } from './experiment/condition-options.js';
export type { RunSummary, FailureSummary } from './run/summary.js';
export { ResourceAction, ResourceState, STATE_ORDER, STEPS } from '../machines/lifecycle.js';
export type { StepName } from '../machines/lifecycle.js';
export type { ConditionEvent, ConditionEventKind, Failure } from '../machines/controller.js';
export type { ResourceStateEvent } from '../machines/resource.js';
export type { Clock } from '../machines/clock.js';
export type { CycleLink } from '../machines/conditions/cycles.js';
export { ConditionTimeoutError } from '../machines/conditions/condition-timeout-error.js';
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
export { SshConnectionError } from './backends/ssh/errors.js';
export type { SshFailure } from './backends/ssh/errors.js';
export {
  LinuxPing,
  LinuxTcpdump,
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
export type { PingResults } from './backends/netns/index.js';
export { registerCleaner } from './backends/cleanup.js';
export type { Cleaner, CleanReport } from './backends/cleanup.js';
export { recordInLedger, readLedger } from './backends/ledger.js';
export type { LedgerEntry } from './backends/ledger.js';
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
export type { ParameterValue, Parameters } from './files/index.js';
export {
  CampaignError,
  confidenceInterval,
  plotCampaign,
  readCampaign,
  resumeCampaign,
  runExperiment,
  studentTQuantile,
} from './campaign/index.js';
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
export type { TimelineArrow, TimelineBar, TimelineInput, TimelineModel, TimelineRow } from './timeline/model.js';
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
