/**
 * Campaigns: run an experiment again and again, each run with its own run id and directory,
 * until its metric converges or a number of runs is reached, for every combination of
 * parameters, keeping every result. The state is on disk after every step, so a campaign
 * killed at any point resumes without repeating a finished run (see docs/campaigns.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { customAlphabet } from 'nanoid';
import { ExperimentFileError } from '../files/experiment-file-error.js';
import { loadExperimentText } from '../files/load.js';
import type { Parameters } from '../files/parameters.js';
import { parseExperiment } from '../files/parse.js';
import { parseDuration, type Duration } from '../time/duration.js';
import { Campaign, resultOf } from './campaign.js';
import { CampaignError } from './campaign-error.js';
import { combine, type Sweep } from './combinations.js';
import { readState, STATE_FILE, STATE_VERSION, type CampaignMetric, type CampaignState } from './state.js';
import { resolveStopSettings, type StopOptions } from './stop-rule.js';
import type { CampaignResult, CampaignRuntime, ExperimentFactory, MetricFunction } from './types.js';

const shortId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 8);

export interface CampaignOptions extends StopOptions, Omit<CampaignRuntime, 'experiment' | 'metric'> {
  /** A function of the finished run, or a command run by bash in the run directory that prints a number. */
  readonly metric?: MetricFunction | string;
  /** How long a metric command may take (default 60 s). */
  readonly metricTimeout?: Duration;
  /** Values by parameter name: every combination of them is run (the cartesian product). */
  readonly sweep?: Sweep;
  /** Explicit combinations (crossed with `sweep` when both are given). */
  readonly combinations?: readonly Parameters[];
  /** The campaign directory (default `<localDir>/<expId>/campaign-<time>-<id>`); must not hold a campaign. */
  readonly dir?: string;
  readonly localDir?: string;
  /** The experiment id (default: the file's `expId`, else its name; `experiment` for code). */
  readonly expId?: string;
}

/**
 * Run `experiment` (an experiment file, or a factory building a controller from a
 * {@link RunContext}) for each combination of parameters, as many times as the options say.
 * Everything is checked before the first run: the options, the sweep, and the file with every
 * combination's parameters. Resolves when the campaign is done or interrupted.
 */
export async function runExperiment(experiment: string | ExperimentFactory, options: CampaignOptions = {}): Promise<CampaignResult> {
  const metricOption = options.metric;
  const settings = resolveStopSettings(options, metricOption !== undefined);
  const combinations = combine(options.combinations, options.sweep);
  const parameterNames = Object.keys(combinations[0] ?? {});
  let metric: CampaignMetric;
  if (metricOption === undefined) metric = { kind: 'none' };
  else if (typeof metricOption === 'string') {
    if (metricOption.trim() === '') throw new CampaignError('the metric command is empty');
    let timeoutMs: number;
    try {
      timeoutMs = parseDuration(options.metricTimeout ?? '60s');
    } catch (error) {
      throw new CampaignError(`metric timeout: ${(error as Error).message}`, undefined, { cause: error });
    }
    metric = { kind: 'command', command: metricOption, timeoutMs };
  } else metric = { kind: 'code' };

  let expId = options.expId;
  let text: string | undefined;
  let file: string | undefined;
  if (typeof experiment === 'string') {
    file = experiment;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ExperimentFileError({ file, path: '', problem: `cannot read: ${(error as Error).message}` }, {}, { cause: error });
    }
    // every combination is checked as a file, then as an experiment, before anything runs
    for (const parameters of combinations) {
      const substitute = parameterNames.length > 0 ? { parameters } : {};
      expId ??= parseExperiment(text, { file, ...substitute, ...(options.registry ? { registry: options.registry } : {}) }).description.expId;
      const ec = loadExperimentText(text, file, { ...substitute, record: false, ...(options.registry ? { registry: options.registry } : {}) });
      ec.actor.stop();
    }
    expId ??= basename(file, extname(file));
  }
  expId ??= 'experiment';

  const dir = resolve(options.dir ?? join(options.localDir ?? 'nepi-runs', expId, `campaign-${timestamp()}-${shortId()}`));
  if (existsSync(join(dir, STATE_FILE))) {
    throw new CampaignError(`already holds a campaign: resume it with \`nepi campaign resume ${dir}\`, or choose another directory`, dir);
  }
  mkdirSync(dir, { recursive: true });
  let copy: string | undefined;
  if (file !== undefined && text !== undefined) {
    copy = `experiment${extname(file) || '.yaml'}`;
    writeFileSync(join(dir, copy), text);
  }
  const state: CampaignState = {
    version: STATE_VERSION,
    id: shortId(),
    createdAt: new Date().toISOString(),
    expId,
    experiment: file !== undefined && copy !== undefined ? { kind: 'file', file: resolve(file), copy } : { kind: 'code' },
    metric,
    stop: settings,
    parameters: parameterNames,
    status: 'running',
    combinations: combinations.map((parameters, index) => ({ index, parameters, status: 'remaining', runs: [] })),
  };
  const { metric: _metric, ...rest } = options;
  const runtime: CampaignRuntime = {
    ...rest,
    ...(typeof experiment === 'function' ? { experiment } : {}),
    ...(typeof metricOption === 'function' ? { metric: metricOption } : {}),
  };
  return new Campaign(dir, state, runtime).execute();
}

/**
 * Go on with the campaign in `dir` where it stopped: finished runs are kept, a run that was in
 * progress is cleaned up after (as `nepi clean RUN_DIR`), marked `interrupted` (its directory is
 * kept) and redone, and the campaign runs
 * what remains. A campaign whose experiment or metric is code needs it again in `runtime`.
 */
export async function resumeCampaign(dir: string, runtime: CampaignRuntime = {}): Promise<CampaignResult> {
  const absolute = resolve(dir);
  const state = readState(absolute);
  if (state.experiment.kind === 'code' && runtime.experiment === undefined) {
    throw new CampaignError('this campaign runs an experiment built by code: resume it with resumeCampaign(dir, { experiment })', absolute);
  }
  if (state.metric.kind === 'code' && runtime.metric === undefined) {
    throw new CampaignError('this campaign computes its metric in code: resume it with resumeCampaign(dir, { metric })', absolute);
  }
  const campaign = new Campaign(absolute, state, runtime);
  await campaign.markInterrupted();
  return campaign.execute(true);
}

/** The results of the campaign in `dir` as they stand, without running anything. */
export function readCampaign(dir: string): { state: CampaignState; result: CampaignResult } {
  const absolute = resolve(dir);
  const state = readState(absolute);
  return { state, result: resultOf(absolute, state) };
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
}
