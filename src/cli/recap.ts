/**
 * The end of a run's report: what each resource measured, with the units its type gives
 * (`rtt min/avg/max/mdev 0.031/0.048/0.062/0.011 ms`), and a recap per type in the manner of
 * Ansible's PLAY RECAP: how many resources of it ended ok, failed, stopped or interrupted.
 */
import type { ResultSpec } from '../resources/resource-type.js';
import type { RunSummary } from '../run/summary.js';
import { paint } from './palette.js';

export type Outcome = 'ok' | 'failed' | 'stopped' | 'interrupted';
const OUTCOMES: readonly Outcome[] = ['ok', 'failed', 'stopped', 'interrupted'];

/**
 * How a resource ended: `failed` (it reached FAILED), `interrupted` (the run was stopped
 * before it ended), `stopped` (stopped before it finished by itself), else `ok`.
 */
export function outcomeOf(summary: RunSummary, guid: string): Outcome {
  const { times } = summary.resources[guid]!;
  if (times.FAILED !== undefined) return 'failed';
  if (summary.interrupted?.unfinished.some((u) => u.guid === guid)) return 'interrupted';
  if (times.STOPPED !== undefined && times.FINISHED === undefined) return 'stopped';
  return 'ok';
}

/** One line per type: `linux::Application  ok=2  failed=1  stopped=0  interrupted=0`. */
export function formatRecap(summary: RunSummary, color: boolean): string[] {
  const counts = new Map<string, Record<Outcome, number>>();
  for (const [guid, { type }] of Object.entries(summary.resources)) {
    const count = counts.get(type) ?? { ok: 0, failed: 0, stopped: 0, interrupted: 0 };
    count[outcomeOf(summary, guid)]++;
    counts.set(type, count);
  }
  const width = Math.max(4, ...[...counts.keys()].map((type) => type.length));
  const colours = { ok: 'green', failed: 'red', stopped: 'yellow', interrupted: 'yellow' } as const;
  // each column as wide as its widest cell
  const cell = (o: Outcome, n: number) => `${o}=${n}`;
  const widths = OUTCOMES.map((o) => Math.max(...[...counts.values()].map((count) => cell(o, count[o]).length)));
  return [...counts].map(([type, count]) => {
    const cells = OUTCOMES.map((o, i) => paint(cell(o, count[o]), colours[o], color && count[o] > 0) + ' '.repeat(widths[i]! - cell(o, count[o]).length));
    return `  ${type.padEnd(width)}  ${cells.join('  ')}`.trimEnd();
  });
}

/** `target 10.0.0.2, loss 0%, rtt min/avg/max/mdev 0.031/0.048/0.062/0.011 ms`: each result with its unit. */
export function formatResults(results: Readonly<Record<string, unknown>>, specs: Readonly<Record<string, ResultSpec>> = {}): string {
  return Object.entries(results)
    .map(([key, value]) => {
      const unit = specs[key]?.unit;
      const withUnit = (text: string) => (unit === undefined ? text : unit === '%' ? `${text}%` : `${text} ${unit}`);
      if (typeof value === 'number') return `${key} ${withUnit(formatNumber(value))}`;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.every(([, v]) => typeof v === 'number')) {
          return `${key} ${entries.map(([k]) => k).join('/')} ${withUnit(entries.map(([, v]) => formatNumber(v as number)).join('/'))}`;
        }
      }
      return `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`;
    })
    .join(', ');
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
