/**
 * One campaign while it runs: its combinations in order, each run built, run to its end and
 * measured, the state saved (campaign.json, then results.csv and results.sqlite) after every
 * change so that a campaign killed at any point resumes where it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanUp } from '../backends/cleanup.js';
import type { ExperimentController } from '../experiment/experiment-controller.js';
import { loadExperimentText } from '../files/load.js';
import type { RunSummary } from '../run/summary.js';
import { CampaignError } from './campaign-error.js';
import { runMetricCommand } from './metric-command.js';
import { writeResults } from './results.js';
import { finishedRuns, samplesOf, writeState, type CampaignRun, type CampaignState, type CombinationState } from './state.js';
import { confidenceInterval, stopReason, type Interval } from './stop-rule.js';
import type { CampaignResult, CampaignRuntime, CombinationResult, FinishedRun } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One campaign while it runs: its state, saved after every change. */
export class Campaign {
  #state: CampaignState;
  #text: string | undefined;

  constructor(
    readonly dir: string,
    state: CampaignState,
    readonly runtime: CampaignRuntime,
  ) {
    this.#state = state;
    if (state.experiment.kind === 'file') {
      try {
        this.#text = readFileSync(join(dir, state.experiment.copy), 'utf8');
      } catch (error) {
        throw new CampaignError(`cannot read ${state.experiment.copy}, the campaign's copy of its experiment file: ${(error as Error).message}`, dir, {
          cause: error,
        });
      }
    }
  }

  /**
   * Runs left `running` by a campaign that died: what each left behind (namespaces, processes:
   * the campaign died before releasing it) is removed as `nepi clean RUN_DIR` would, then it
   * is marked interrupted, to be redone.
   */
  async markInterrupted(): Promise<void> {
    const now = new Date().toISOString();
    const notes = new Map<string, string>();
    for (const run of this.#state.combinations.flatMap((combination) => combination.runs)) {
      if (run.status === 'running') notes.set(run.runId, await cleanLeftovers(run.runDir));
    }
    this.#state = {
      ...this.#state,
      combinations: this.#state.combinations.map((combination) =>
        combination.runs.some((run) => run.status === 'running')
          ? {
              ...combination,
              runs: combination.runs.map((run) =>
                run.status === 'running'
                  ? {
                      ...run,
                      status: 'interrupted',
                      endedAt: now,
                      error: `the campaign stopped during this run; it was redone${notes.get(run.runId) ?? ''}`,
                    }
                  : run,
              ),
            }
          : combination,
      ),
    };
  }

  async execute(resumed = false): Promise<CampaignResult> {
    const { signal } = this.runtime;
    this.#update({ status: 'running' });
    this.runtime.onEvent?.({
      type: 'campaign.start',
      dir: this.dir,
      resumed,
      combinations: this.#state.combinations.length,
      remaining: this.#state.combinations.filter((c) => c.status !== 'done').length,
      stop: this.#state.stop,
    });
    for (const combination of this.#state.combinations) {
      if (combination.status === 'done') continue;
      if (signal?.aborted) return this.#interrupt();
      this.#setCombination(combination.index, { status: 'in-progress' });
      for (;;) {
        const current = this.#state.combinations[combination.index]!;
        const samples = samplesOf(current);
        const finished = finishedRuns(current).length;
        const stopped = stopReason(this.#state.stop, finished, samples);
        if (stopped) {
          this.#setCombination(combination.index, { status: 'done', stopped });
          this.runtime.onEvent?.({
            type: 'combination.end',
            combination: current.index,
            parameters: current.parameters,
            stopped,
            runs: finished,
            ...this.#interval(samples),
          });
          break;
        }
        if (signal?.aborted) return this.#interrupt();
        const outcome = await this.#runOnce(current, finished + 1);
        if (outcome === 'interrupted') return this.#interrupt();
      }
    }
    this.#update({ status: 'done' });
    return resultOf(this.dir, this.#state);
  }

  async #runOnce(combination: CombinationState, run: number): Promise<'ran' | 'interrupted'> {
    const { parameters, index } = combination;
    const ec = await this.#build(combination, run);
    let shutDown = false;
    try {
      const startedAt = new Date().toISOString();
      const base: CampaignRun = { combination: index, run, runId: ec.runId, runDir: ec.runDir, status: 'running', startedAt };
      this.#addRun(index, base);
      this.runtime.onEvent?.({ type: 'run.start', combination: index, parameters, run, runId: ec.runId, runDir: ec.runDir });
      const began = performance.now();
      const summary = await this.#runToEnd(ec);
      shutDown = true;
      const durationMs = Math.round((performance.now() - began) * 1000) / 1000;
      const ended = { durationMs, endedAt: new Date().toISOString() };
      let record: CampaignRun;
      if (this.runtime.signal?.aborted) {
        record = { ...base, ...ended, status: 'interrupted', error: 'interrupted by a signal; redone on resume' };
      } else if (summary.status !== 'released') {
        const failure = summary.failures.find((f) => f.critical) ?? summary.failures[0];
        const why = failure
          ? `'${failure.guid}' (${failure.type}) failed${failure.step ? ` at ${failure.step}` : ''}: ${failure.error}`
          : 'the experiment was aborted';
        record = { ...base, ...ended, status: 'failed', error: why };
      } else {
        try {
          const value = await this.#metric({ ec, summary, runDir: ec.runDir, runId: ec.runId, parameters, combination: index, run });
          record = { ...base, ...ended, status: 'ok', ...(value === undefined ? {} : { metric: value }) };
        } catch (error) {
          record = { ...base, ...ended, status: 'metric-error', error: (error as Error).message ?? String(error) };
        }
      }
      this.#replaceRun(index, record);
      const samples = samplesOf(this.#state.combinations[index]!);
      this.runtime.onEvent?.({ type: 'run.end', combination: index, parameters, run: record, ...this.#interval(samples) });
      return record.status === 'interrupted' ? 'interrupted' : 'ran';
    } finally {
      // an error from user code (a metric, an event listener): release what runs, then let it out
      if (!shutDown) await ec.shutdown();
    }
  }

  /** `ec.run()` with its own abort signal, tied to the campaign's for this run only. */
  async #runToEnd(ec: ExperimentController): Promise<RunSummary> {
    const { signal } = this.runtime;
    if (!signal) return ec.run();
    const run = new AbortController();
    const forward = () => run.abort();
    if (signal.aborted) run.abort();
    else signal.addEventListener('abort', forward, { once: true });
    try {
      return await ec.run({ signal: run.signal });
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  async #build(combination: CombinationState, run: number): Promise<ExperimentController> {
    const { experiment, clock, registry } = this.runtime;
    const localDir = join(this.dir, 'runs');
    const common = { ...(clock ? { clock } : {}), ...(registry ? { registry } : {}) };
    if (this.#state.experiment.kind === 'file') {
      const substitute = this.#state.parameters.length > 0 ? { parameters: combination.parameters } : {};
      return loadExperimentText(this.#text!, this.#state.experiment.file, { ...substitute, ...common, localDir, expId: this.#state.expId });
    }
    if (!experiment) throw new CampaignError('no experiment factory given', this.dir);
    return experiment({
      parameters: combination.parameters,
      combination: combination.index,
      run,
      options: { localDir, expId: this.#state.expId, ...common },
    });
  }

  async #metric(run: FinishedRun): Promise<number | undefined> {
    const metric = this.#state.metric;
    switch (metric.kind) {
      case 'none':
        return undefined;
      case 'command':
        return runMetricCommand(metric.command, {
          runDir: run.runDir,
          runId: run.runId,
          expId: this.#state.expId,
          campaignDir: this.dir,
          run: run.run,
          combination: run.combination,
          parameters: run.parameters,
          timeoutMs: metric.timeoutMs,
        });
      case 'code': {
        if (!this.runtime.metric) throw new CampaignError('no metric function given', this.dir);
        const value = await this.runtime.metric(run);
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`the metric function returned ${String(value)}, not a finite number`);
        return value;
      }
    }
  }

  #interval(samples: readonly number[]): { interval?: Interval } {
    const interval = confidenceInterval(samples, this.#state.stop.interval, this.#state.stop.confidence);
    return interval ? { interval } : {};
  }

  #interrupt(): CampaignResult {
    this.#update({ status: 'interrupted' });
    return resultOf(this.dir, this.#state);
  }

  #addRun(index: number, run: CampaignRun): void {
    const combination = this.#state.combinations[index]!;
    this.#setCombination(index, { runs: [...combination.runs, run] });
  }

  #replaceRun(index: number, run: CampaignRun): void {
    const combination = this.#state.combinations[index]!;
    this.#setCombination(index, { runs: combination.runs.map((r) => (r.runId === run.runId ? run : r)) });
  }

  #setCombination(index: number, change: Partial<Mutable<CombinationState>>): void {
    this.#update({
      combinations: this.#state.combinations.map((combination) => (combination.index === index ? { ...combination, ...change } : combination)),
    });
  }

  /** Change the state and save it: campaign.json first (the truth), then the results. */
  #update(change: Partial<Mutable<CampaignState>>): void {
    this.#state = { ...this.#state, ...change };
    writeState(this.dir, this.#state);
    writeResults(this.dir, this.#state);
  }
}

/** Run every backend's cleaner on a run its campaign could not release; a note on what it did, or ''. */
async function cleanLeftovers(runDir: string): Promise<string> {
  const reports = await cleanUp({ runDir });
  const removed = [...reports.values()].reduce((sum, report) => sum + report.removed.length, 0);
  const problems = [...reports].flatMap(([backend, report]) => report.problems.map((problem) => `${backend}: ${problem}`));
  const parts = [
    ...(removed > 0 ? [`${removed} thing(s) it left removed (as nepi clean does)`] : []),
    ...(problems.length > 0 ? [`could not clean what it left (${problems.join('; ')}): run nepi clean ${runDir}`] : []),
  ];
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}

export function resultOf(dir: string, state: CampaignState): CampaignResult {
  const combinations = state.combinations.map((combination): CombinationResult => {
    const samples = samplesOf(combination);
    const interval = confidenceInterval(samples, state.stop.interval, state.stop.confidence);
    return {
      index: combination.index,
      parameters: combination.parameters,
      status: combination.status,
      ...(combination.stopped ? { stopped: combination.stopped } : {}),
      runs: finishedRuns(combination).length,
      samples,
      ...(interval ? { interval } : {}),
    };
  });
  const only = combinations.length === 1 ? combinations[0]?.interval : undefined;
  return {
    dir,
    status: state.status === 'done' ? 'done' : 'interrupted',
    runs: combinations.reduce((sum, c) => sum + c.runs, 0),
    samples: combinations.flatMap((c) => c.samples),
    ...(only ? { interval: only } : {}),
    combinations,
    failedRuns: state.combinations.reduce((sum, c) => sum + c.runs.filter((run) => run.status === 'failed' || run.status === 'metric-error').length, 0),
  };
}
