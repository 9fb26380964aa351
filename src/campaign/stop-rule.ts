/**
 * When a campaign stops repeating a combination: at a fixed number of runs, or once the
 * confidence interval of the metric's mean is narrow enough (after at least `minRuns` runs,
 * at most `maxRuns`). See docs/campaigns.md for the two intervals.
 */
import { CampaignError } from './campaign-error.js';
import { mean, standardDeviation, studentTQuantile } from './statistics.js';

/**
 * `nepi`: NEPI's rule, mean ± 2·σ/√n with σ the population standard deviation (numpy's
 * default): a rough 95% normal interval. `t`: Student's t interval with the sample standard
 * deviation, exact for normal samples at every n.
 */
export type IntervalMethod = 'nepi' | 't';

/** A confidence interval of a metric's mean over `n` samples: `mean ± halfWidth`, from `low` to `high`. */
export interface Interval {
  readonly method: IntervalMethod;
  /** 0.95 for `nepi` (roughly), as asked for `t`. */
  readonly confidence: number;
  readonly n: number;
  readonly mean: number;
  readonly halfWidth: number;
  readonly low: number;
  readonly high: number;
}

/** How a campaign decides to stop each combination (every field set). */
export interface StopSettings {
  readonly minRuns: number;
  readonly maxRuns: number;
  /** Whether to stop early when the interval is narrow enough; needs a metric. */
  readonly converge: boolean;
  readonly interval: IntervalMethod;
  /** The interval's half width must be at most this fraction of |mean| (default 0.05). */
  readonly precision: number;
  /** The t interval's confidence (default 0.95); `nepi` is always about 95%. */
  readonly confidence: number;
}

/** What the user may give; see `resolveStopSettings`. */
export interface StopOptions {
  /** Exactly this many runs of each combination (no early stop). */
  readonly runs?: number;
  readonly minRuns?: number;
  readonly maxRuns?: number;
  /** Stop each combination once its metric converged (implied by `minRuns`). */
  readonly untilConverged?: boolean;
  readonly interval?: IntervalMethod;
  readonly precision?: number;
  readonly confidence?: number;
}

export const DEFAULT_MIN_RUNS = 5;
export const DEFAULT_MAX_RUNS = 100;

/** Why a combination stopped: its interval was narrow enough, or it reached `maxRuns`. */
export type StopReason = 'converged' | 'max-runs';

/**
 * The settings the options ask for, checked: `runs` alone, or `maxRuns` alone (that many
 * runs), or convergence (`untilConverged` or `minRuns`: at least `minRuns`, default 5, at
 * most `maxRuns`, default 100), which needs a metric.
 */
export function resolveStopSettings(options: StopOptions, hasMetric: boolean): StopSettings {
  for (const key of ['runs', 'minRuns', 'maxRuns'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new CampaignError(`expected \`${key}\` to be a positive integer, got ${String(value)}`);
    }
  }
  const interval = options.interval ?? 'nepi';
  if (interval !== 'nepi' && interval !== 't') throw new CampaignError(`expected \`interval\` to be 'nepi' or 't', got '${String(interval)}'`);
  const precision = options.precision ?? 0.05;
  if (!(precision > 0)) throw new CampaignError(`expected \`precision\` to be a positive fraction of the mean, got ${precision}`);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new CampaignError(`expected \`confidence\` to be between 0 and 1, got ${confidence}`);
  const converge = options.untilConverged === true || options.minRuns !== undefined;
  const common = { interval, precision, confidence };
  if (options.runs !== undefined) {
    if (converge || options.maxRuns !== undefined) {
      throw new CampaignError('`runs` fixes the number of runs: give it alone, or `minRuns`/`maxRuns`/`untilConverged` instead');
    }
    return { minRuns: options.runs, maxRuns: options.runs, converge: false, ...common };
  }
  if (!converge) {
    if (options.maxRuns === undefined) {
      throw new CampaignError('say how many runs: `runs`, `maxRuns`, or `untilConverged` (with a metric)');
    }
    return { minRuns: options.maxRuns, maxRuns: options.maxRuns, converge: false, ...common };
  }
  if (!hasMetric) throw new CampaignError('repeating until the metric converges needs a metric');
  const minRuns = options.minRuns ?? DEFAULT_MIN_RUNS;
  const maxRuns = options.maxRuns ?? Math.max(DEFAULT_MAX_RUNS, minRuns);
  if (minRuns > maxRuns) throw new CampaignError(`\`minRuns\` (${minRuns}) is more than \`maxRuns\` (${maxRuns})`);
  return { minRuns, maxRuns, converge: true, ...common };
}

/** The confidence interval of the samples' mean, or undefined with fewer than 2 samples. */
export function confidenceInterval(samples: readonly number[], method: IntervalMethod, confidence = 0.95): Interval | undefined {
  const n = samples.length;
  if (n < 2) return undefined;
  const m = mean(samples);
  const halfWidth =
    method === 'nepi'
      ? (2 * standardDeviation(samples, 0)) / Math.sqrt(n)
      : (studentTQuantile((1 + confidence) / 2, n - 1) * standardDeviation(samples, 1)) / Math.sqrt(n);
  return {
    method,
    confidence: method === 'nepi' ? 0.95 : confidence,
    n,
    mean: m,
    halfWidth,
    low: m - halfWidth,
    high: m + halfWidth,
  };
}

/** Whether the interval is narrow enough: half width <= precision·|mean|. */
export function hasConverged(interval: Interval | undefined, precision: number): boolean {
  return interval !== undefined && interval.halfWidth <= precision * Math.abs(interval.mean);
}

/**
 * Why a combination stops after `finishedRuns` runs with these samples, or undefined to go
 * on. Convergence is checked from `minRuns` runs on (and at least 2 samples).
 */
export function stopReason(settings: StopSettings, finishedRuns: number, samples: readonly number[]): StopReason | undefined {
  if (settings.converge && finishedRuns >= settings.minRuns) {
    if (hasConverged(confidenceInterval(samples, settings.interval, settings.confidence), settings.precision)) return 'converged';
  }
  return finishedRuns >= settings.maxRuns ? 'max-runs' : undefined;
}
