/** The public types of campaigns: what experiments and metrics are given, and what comes back. */
import type { Clock } from '../../machines/clock.js';
import type { ExperimentController } from '../experiment/experiment-controller.js';
import type { Parameters } from '../files/parameters.js';
import type { TypeRegistry } from '../resources/registry.js';
import type { RunSummary } from '../run/summary.js';
import type { CampaignRun, CombinationState } from './state.js';
import type { Interval, StopReason, StopSettings } from './stop-rule.js';

/** What an experiment factory is given for each run. */
export interface RunContext {
  readonly parameters: Parameters;
  /** The combination's index (0-based). */
  readonly combination: number;
  /** Which run of the combination (1-based). */
  readonly run: number;
  /** Give these to the controller: its run directory then lands in the campaign directory. */
  readonly options: { readonly localDir: string; readonly expId: string; readonly clock?: Clock; readonly registry?: TypeRegistry };
}

/** Builds one run's experiment (not deployed); called once per run. */
export type ExperimentFactory = (context: RunContext) => ExperimentController | Promise<ExperimentController>;

/** A run that ended (everything released), given to the metric function. */
export interface FinishedRun {
  readonly ec: ExperimentController;
  readonly summary: RunSummary;
  readonly runDir: string;
  readonly runId: string;
  readonly parameters: Parameters;
  readonly combination: number;
  readonly run: number;
}

/** One number per run, e.g. read from a trace: `await run.ec.trace('server', 'stdout')`. */
export type MetricFunction = (run: FinishedRun) => number | Promise<number>;

/** Progress of a campaign, as it happens. */
export type CampaignEvent =
  | {
      readonly type: 'campaign.start';
      readonly dir: string;
      readonly resumed: boolean;
      readonly combinations: number;
      /** Combinations not done yet. */
      readonly remaining: number;
      readonly stop: StopSettings;
    }
  | {
      readonly type: 'run.start';
      readonly combination: number;
      readonly parameters: Parameters;
      readonly run: number;
      readonly runId: string;
      readonly runDir: string;
    }
  | {
      readonly type: 'run.end';
      readonly combination: number;
      readonly parameters: Parameters;
      readonly run: CampaignRun;
      /** The combination's interval so far (from 2 samples on). */
      readonly interval?: Interval;
    }
  | {
      readonly type: 'combination.end';
      readonly combination: number;
      readonly parameters: Parameters;
      readonly stopped: StopReason;
      readonly runs: number;
      readonly interval?: Interval;
    };

/** What a campaign needs while it runs, besides its state: code and the environment. */
export interface CampaignRuntime {
  /** Needed to resume a campaign whose experiment is code; ignored for a file. */
  readonly experiment?: ExperimentFactory;
  /** Needed to resume a campaign whose metric is code. */
  readonly metric?: MetricFunction;
  readonly clock?: Clock;
  readonly registry?: TypeRegistry;
  /** Aborting stops the run in progress (everything is released) and the campaign. */
  readonly signal?: AbortSignal;
  /** Called with every campaign event as it happens (the campaign's start, each run's start and end, each combination's end). */
  readonly onEvent?: (event: CampaignEvent) => void;
}

/** One combination of parameters and what its runs gave. */
export interface CombinationResult {
  readonly index: number;
  readonly parameters: Parameters;
  readonly status: CombinationState['status'];
  readonly stopped?: StopReason;
  /** Finished runs (ok, failed or metric-error; interrupted ones are not counted). */
  readonly runs: number;
  /** The metric of each `ok` run, in order. */
  readonly samples: readonly number[];
  readonly interval?: Interval;
}

/** What a campaign gave, in total and per combination. */
export interface CampaignResult {
  readonly dir: string;
  /** `done`, or `interrupted` (by the signal): `resumeCampaign(dir)` goes on. */
  readonly status: 'done' | 'interrupted';
  /** Finished runs, all combinations together. */
  readonly runs: number;
  /** Every sample, all combinations together, in order. */
  readonly samples: readonly number[];
  /** The interval of the samples when the campaign has one combination (no sweep). */
  readonly interval?: Interval;
  readonly combinations: readonly CombinationResult[];
  /** Finished runs whose experiment failed or whose metric could not be read. */
  readonly failedRuns: number;
}
