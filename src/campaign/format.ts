/** The text `nepi campaign show` and `nepi run --runs` print: runs, combinations, intervals. */
import type { Parameters } from '../files/parameters.js';
import { formatDuration } from '../time/duration.js';
import { describeCombination } from './combinations.js';
import type { CampaignResult } from './types.js';
import { allRuns, type CampaignRun, type CampaignState } from './state.js';
import type { Interval, StopSettings } from './stop-rule.js';

/** `10.5 ± 0.51 [9.99, 11.01] (n=10, nepi)`. */
export function formatInterval(interval: Interval): string {
  return `${num(interval.mean)} ± ${num(interval.halfWidth)} [${num(interval.low)}, ${num(interval.high)}] (n=${interval.n}, ${
    interval.method === 't' ? `t ${Math.round(interval.confidence * 100)}%` : 'nepi ~95%'
  })`;
}

export function formatStopSettings(stop: StopSettings): string {
  if (!stop.converge) return `${stop.maxRuns} run${stop.maxRuns === 1 ? '' : 's'} per combination`;
  const rule = stop.interval === 't' ? `Student t ${Math.round(stop.confidence * 100)}% half width` : '2·σ/√n';
  const range =
    stop.minRuns >= stop.maxRuns
      ? `exactly ${stop.maxRuns} runs per combination (--max-runs is not above --min-runs: no combination can stop early)`
      : `${stop.minRuns} to ${stop.maxRuns} runs per combination`;
  return `until ${rule} <= ${num(stop.precision * 100)}% of the mean, ${range}`;
}

/** One line per run, as printed while a campaign runs. */
export function formatRunLine(parameters: Parameters, run: CampaignRun, interval?: Interval): string {
  const params = Object.keys(parameters).length > 0 ? `[${describeCombination(parameters)}] ` : '';
  const metric = run.metric !== undefined ? ` metric ${num(run.metric)}` : '';
  const duration = run.durationMs !== undefined ? ` in ${formatDuration(Math.round(run.durationMs))}` : '';
  const error = run.error !== undefined ? `: ${run.error}` : '';
  const so = interval ? `; mean ${formatInterval(interval)}` : '';
  return `${params}run ${run.run}: ${run.status}${metric}${duration}${error}${so}`;
}

/** The whole campaign: settings, one row per run, then one line per combination. */
export function formatCampaign(state: CampaignState, result: CampaignResult): string {
  const lines: string[] = [];
  const experiment = state.experiment.kind === 'file' ? state.experiment.file : '(code)';
  lines.push(`campaign ${state.id} of ${state.expId}: ${state.status}`);
  lines.push(`experiment: ${experiment}`);
  lines.push(`metric: ${state.metric.kind === 'command' ? state.metric.command : state.metric.kind === 'code' ? '(code)' : 'none'}`);
  lines.push(`stop: ${formatStopSettings(state.stop)}`);
  lines.push(`directory: ${result.dir}`);
  lines.push('');
  const header = ['comb', 'run', ...state.parameters, 'status', 'metric', 'duration', 'run id'];
  const rows = allRuns(state).map((run) => [
    String(run.combination),
    String(run.run),
    ...state.parameters.map((name) => String(state.combinations[run.combination]?.parameters[name] ?? '')),
    run.status,
    run.metric !== undefined ? num(run.metric) : '',
    run.durationMs !== undefined ? formatDuration(Math.round(run.durationMs)) : '',
    run.runId,
  ]);
  lines.push(...table([header, ...rows]));
  lines.push('');
  for (const combination of result.combinations) {
    const params = describeCombination(combination.parameters);
    const where =
      combination.status !== 'done'
        ? combination.status
        : combination.stopped === 'max-runs' && state.stop.converge
          ? 'did not converge (stopped at --max-runs)'
          : `stopped: ${combination.stopped}`;
    const figures = combination.interval
      ? formatInterval(combination.interval)
      : combination.samples.length === 1
        ? `${num(combination.samples[0]!)} (n=1)`
        : 'no interval';
    lines.push(`${combination.index}  ${params}: ${combination.runs} run${combination.runs === 1 ? '' : 's'}, ${figures}, ${where}`);
  }
  const failures = allRuns(state).filter((run) => run.error !== undefined && run.status !== 'interrupted');
  if (failures.length > 0) {
    lines.push('');
    for (const run of failures) lines.push(`run ${run.runId} (${run.status}): ${run.error}`);
  }
  return lines.join('\n');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function num(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e9 || abs < 1e-4) return value.toExponential(3);
  return String(Number(value.toPrecision(5)));
}
