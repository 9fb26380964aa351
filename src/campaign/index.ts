/** Campaigns: repeat an experiment until its metric converges, sweep parameters, keep every result. */
export { CampaignError } from './campaign-error.js';
export { combine, describeCombination, parseSweepArguments, parseValue, readSweepFile, RESULT_COLUMNS } from './combinations.js';
export type { Sweep } from './combinations.js';
export { formatCampaign, formatInterval, formatRunLine, formatStopSettings } from './format.js';
export { metricEnvironment, parseMetric, runMetricCommand } from './metric-command.js';
export { plotCampaign } from './plot.js';
export type { PlotOptions } from './plot.js';
export { CSV_FILE, DATABASE_FILE, parseCsv, readDatabaseRows, resultColumns, resultRows } from './results.js';
export { readCampaign, resumeCampaign, runExperiment } from './run-experiment.js';
export type { CampaignEvent, CampaignResult, CampaignRuntime, CombinationResult, ExperimentFactory, FinishedRun, MetricFunction, RunContext } from './types.js';
export type { CampaignOptions } from './run-experiment.js';
export { readState, STATE_FILE } from './state.js';
export type { CampaignRun, CampaignRunStatus, CampaignState, CombinationState } from './state.js';
export { confidenceInterval, hasConverged, resolveStopSettings, stopReason } from './stop-rule.js';
export type { Interval, IntervalMethod, StopOptions, StopReason, StopSettings } from './stop-rule.js';
export { mean, standardDeviation, studentTCdf, studentTQuantile } from './statistics.js';
