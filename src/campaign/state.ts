/**
 * A campaign's state, `campaign.json` in its directory: what it runs, how it stops, and every
 * combination with its runs (done, in progress, remaining). Rewritten whole after every change
 * through a temporary file, fsync and rename, so a campaign killed at any instant leaves either
 * the old state or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Parameters } from '../files/parameters.js';
import { CampaignError } from './campaign-error.js';
import type { StopReason, StopSettings } from './stop-rule.js';

export const STATE_FILE = 'campaign.json';
export const STATE_VERSION = 1;

/**
 * A run's status: `running` while it runs (a campaign found with one was killed), `ok` (the
 * experiment ended and the metric, if any, was read), `failed` (a critical resource failed:
 * the experiment was aborted), `metric-error` (the experiment ended but its metric could not
 * be read), `interrupted` (stopped by a signal, or found `running` on resume; redone).
 */
export type CampaignRunStatus = 'running' | 'ok' | 'failed' | 'metric-error' | 'interrupted';

/** One run of a campaign, as results.csv and the database list it. */
export interface CampaignRun {
  /** The combination's index (0-based) in the campaign. */
  readonly combination: number;
  /** Which run of its combination this was for (1-based); a redone run has its interrupted one's number. */
  readonly run: number;
  readonly runId: string;
  readonly runDir: string;
  readonly status: CampaignRunStatus;
  readonly metric?: number;
  /** From deploy to release, in milliseconds (wall clock). */
  readonly durationMs?: number;
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Why the run failed, or why its metric could not be read. */
  readonly error?: string;
}

export type CombinationStatus = 'remaining' | 'in-progress' | 'done';

export interface CombinationState {
  readonly index: number;
  readonly parameters: Parameters;
  readonly status: CombinationStatus;
  readonly stopped?: StopReason;
  readonly runs: readonly CampaignRun[];
}

/** The experiment a campaign runs: a file (copied into the campaign directory) or code. */
export type CampaignExperiment = { readonly kind: 'file'; readonly file: string; readonly copy: string } | { readonly kind: 'code' };

/** The metric: a command run in each run directory, code, or none. */
export type CampaignMetric =
  | { readonly kind: 'command'; readonly command: string; readonly timeoutMs: number }
  | { readonly kind: 'code' }
  | { readonly kind: 'none' };

/** A campaign's state as `campaign.json` holds it: what it runs, how it stops, and each combination's runs so far. */
export interface CampaignState {
  readonly version: typeof STATE_VERSION;
  readonly id: string;
  readonly createdAt: string;
  readonly expId: string;
  readonly experiment: CampaignExperiment;
  readonly metric: CampaignMetric;
  readonly stop: StopSettings;
  /** Parameter names, in the order of results.csv's columns. */
  readonly parameters: readonly string[];
  readonly status: 'running' | 'interrupted' | 'done';
  readonly combinations: readonly CombinationState[];
}

/** Write `campaign.json` atomically: a temporary file, fsync, rename. */
export function writeState(dir: string, state: CampaignState): void {
  writeFileAtomically(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export function readState(dir: string): CampaignState {
  const path = join(dir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${STATE_FILE}: not a campaign directory` : (error as Error).message;
    throw new CampaignError(why, dir, { cause: error });
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new CampaignError(`${STATE_FILE} is not valid JSON: ${(error as Error).message}`, dir, { cause: error });
  }
  if (typeof state !== 'object' || state === null || (state as { version?: unknown }).version !== STATE_VERSION) {
    throw new CampaignError(`${STATE_FILE} is not a version ${STATE_VERSION} campaign state`, dir);
  }
  const damaged = damageIn(state as Record<string, unknown>);
  if (damaged !== undefined) throw new CampaignError(`${STATE_FILE} is damaged: ${damaged}`, dir);
  return state as CampaignState;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is missing or malformed in a parsed state (the parts every command reads), or undefined. */
function damageIn(state: Record<string, unknown>): string | undefined {
  for (const key of ['id', 'expId', 'status'] as const) {
    if (typeof state[key] !== 'string') return `'${key}' is not a string`;
  }
  const experiment = state['experiment'];
  if (!isObject(experiment) || (experiment['kind'] !== 'code' && !(experiment['kind'] === 'file' && typeof experiment['copy'] === 'string'))) {
    return "'experiment' is not { kind: 'file', copy, ... } or { kind: 'code' }";
  }
  const metric = state['metric'];
  if (!isObject(metric) || !['none', 'code', 'command'].includes(metric['kind'] as string)) return "'metric' has no kind none, code or command";
  if (metric['kind'] === 'command' && (typeof metric['command'] !== 'string' || typeof metric['timeoutMs'] !== 'number')) {
    return "'metric' lacks its command or timeoutMs";
  }
  const stop = state['stop'];
  if (!isObject(stop) || !['minRuns', 'maxRuns', 'precision', 'confidence'].every((key) => typeof stop[key] === 'number')) {
    return "'stop' lacks minRuns, maxRuns, precision or confidence";
  }
  if (!Array.isArray(state['parameters']) || !state['parameters'].every((name) => typeof name === 'string')) return "'parameters' is not a list of names";
  const combinations = state['combinations'];
  if (!Array.isArray(combinations)) return "'combinations' is not a list";
  for (const [i, combination] of combinations.entries()) {
    if (!isObject(combination) || combination['index'] !== i || !isObject(combination['parameters']) || !Array.isArray(combination['runs'])) {
      return `combinations[${i}] is not { index: ${i}, parameters, status, runs: [...] }`;
    }
    for (const [j, run] of (combination['runs'] as unknown[]).entries()) {
      if (!isObject(run) || typeof run['runId'] !== 'string' || typeof run['run'] !== 'number' || typeof run['status'] !== 'string') {
        return `combinations[${i}].runs[${j}] lacks its runId, run or status`;
      }
    }
  }
  return undefined;
}

/** Write through a temporary file, flushed to disk, then renamed over `path`. */
export function writeFileAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Every run of the campaign, in combination then run order (the order of results.csv). */
export function allRuns(state: CampaignState): CampaignRun[] {
  return state.combinations.flatMap((combination) => combination.runs);
}

/** The runs that count: finished, whatever their outcome (not running, not interrupted). */
export function finishedRuns(combination: CombinationState): CampaignRun[] {
  return combination.runs.filter((run) => run.status !== 'running' && run.status !== 'interrupted');
}

/** The metric of every `ok` run that has one, in run order. */
export function samplesOf(combination: CombinationState): number[] {
  return combination.runs.flatMap((run) => (run.status === 'ok' && run.metric !== undefined ? [run.metric] : []));
}
