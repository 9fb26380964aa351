/**
 * A timeline as data, made from the records of a run (its `events.ndjson`, or the events of a
 * plan): one row per resource, grouped by type, with one bar per state entered; the failures;
 * one arrow per condition that held, from the group member that completed it to the action
 * it released. The renderers (svg.ts, html.ts) only lay this out.
 */
import { isResourceState, stateRank, type ConditionAction, type ResourceState } from '../../machines/lifecycle.js';
import type { ResumeMark } from '../run/event-log.js';
import type { ConditionRecord, EventRecord, InterruptRecord } from '../run/event-record.js';

/** The time spent in one state: from the state change that entered it to the next one (or the end). */
export interface TimelineBar {
  readonly state: string;
  readonly from: string;
  /** Clock ms. */
  readonly start: number;
  readonly end: number;
  /** The step and cause, when this state change was a failure. */
  readonly step?: string;
  readonly error?: string;
}

export interface TimelineFailure {
  readonly time: number;
  readonly step: string | undefined;
  readonly error: string;
}

/** One resource's row: its bars, one per state entered, and its failures. */
export interface TimelineRow {
  readonly guid: string;
  readonly type: string;
  readonly bars: readonly TimelineBar[];
  readonly failures: readonly TimelineFailure[];
}

/** Rows of one resource type, in the order their resources first appear. */
export interface TimelineGroup {
  readonly type: string;
  readonly rows: readonly TimelineRow[];
}

/**
 * One condition that held: "`action` of `guid` after all of `group` reached `state`, +
 * `delay`". It starts at the member that completed the group (`from`, when it held) and ends
 * at the target when the action was released (`to`); `released` is false when the action
 * never went out (the experiment was released first): it then ends at the deadline.
 */
export interface TimelineArrow {
  readonly guid: string;
  readonly action: ConditionAction;
  readonly group: readonly string[];
  readonly state: ResourceState;
  readonly delay: number;
  readonly from: { readonly guid: string; readonly time: number };
  readonly to: { readonly guid: string; readonly time: number };
  readonly released: boolean;
}

/**
 * A time the controller was down: from the last record before it died (it died some time
 * after, unseen) to the run's resume (`nepi resume`). The resources went on meanwhile, or
 * not: nobody watched them.
 */
export interface TimelineDowntime {
  readonly from: number;
  readonly to: number;
}

/** The run was interrupted (`kind: 'interrupt'`): by what, when, and what had not ended. */
export interface TimelineInterruption {
  readonly time: number;
  readonly by: string;
  readonly unfinished: ReadonlyArray<{ readonly guid: string; readonly state: string }>;
}

/** A timeline as data (see {@link buildTimeline}): resources grouped by type, bars, condition arrows, downtimes and interruptions. */
export interface TimelineModel {
  readonly title: string;
  /** Clock ms of the first and the last record. */
  readonly start: number;
  readonly end: number;
  readonly groups: readonly TimelineGroup[];
  readonly arrows: readonly TimelineArrow[];
  /** How many state changes the bars stand for (one bar each). */
  readonly stateChanges: number;
  /** The times the controller was down, one per resume. */
  readonly downtimes: readonly TimelineDowntime[];
  readonly interruptions: readonly TimelineInterruption[];
}

/** What {@link buildTimeline} reads: a run's records, as {@link readRun} gives them, or a plan's. */
export interface TimelineInput {
  readonly title?: string;
  /** State changes, in the order they happened. */
  readonly events: readonly EventRecord[];
  readonly conditions?: readonly ConditionRecord[];
  /** The run's resumes, each with the time of the last record before it (see `parseEventLog`). */
  readonly resumes?: readonly ResumeMark[];
  readonly interruptions?: readonly InterruptRecord[];
}

interface RowBuilder {
  readonly guid: string;
  type: string;
  readonly changes: EventRecord[];
}

/** Build the timeline of `input`'s records. Records may come in any order of time. */
export function buildTimeline(input: TimelineInput): TimelineModel {
  // records come from a file anyone may have edited: one that lacks what is drawn is skipped
  const events = input.events.filter(isStateChange);
  const conditions = (input.conditions ?? []).filter(isConditionRecord);
  const rows = new Map<string, RowBuilder>();
  let start = Infinity;
  let end = -Infinity;
  for (const event of events) {
    let row = rows.get(event.guid);
    if (!row) {
      row = { guid: event.guid, type: event.type ?? 'unknown', changes: [] };
      rows.set(event.guid, row);
    }
    if (event.type !== undefined) row.type = event.type;
    row.changes.push(event);
    start = Math.min(start, event.time);
    end = Math.max(end, event.time);
  }
  for (const condition of conditions) {
    start = Math.min(start, condition.time);
    end = Math.max(end, condition.time);
  }
  const downtimes: TimelineDowntime[] = (input.resumes ?? [])
    .filter((resume) => Number.isFinite(resume.time) && resume.lastRecord !== undefined && Number.isFinite(resume.lastRecord))
    .map((resume) => ({ from: Math.min(resume.lastRecord!, resume.time), to: resume.time }));
  const interruptions: TimelineInterruption[] = (input.interruptions ?? []).filter(isInterruption).map((record) => ({
    time: record.time,
    by: typeof record.by === 'string' ? record.by : 'an interruption',
    // a record from a file anyone may have edited: only the entries that name a resource and its state
    unfinished: (Array.isArray(record.unfinished) ? (record.unfinished as readonly unknown[]) : []).filter(
      (u): u is { guid: string; state: string } =>
        typeof u === 'object' && u !== null && typeof (u as { guid?: unknown }).guid === 'string' && typeof (u as { state?: unknown }).state === 'string',
    ),
  }));
  // a resume, or an interruption, after the last state change still falls within the run
  for (const time of [...downtimes.flatMap((down) => [down.from, down.to]), ...interruptions.map((interruption) => interruption.time)]) {
    start = Math.min(start, time);
    end = Math.max(end, time);
  }
  if (start === Infinity) start = end = 0;

  const byType = new Map<string, TimelineRow[]>();
  for (const row of rows.values()) {
    const changes = row.changes.sort((a, b) => a.time - b.time); // stable: same-time changes keep their order
    const bars: TimelineBar[] = changes.map((change, i) => ({
      state: change.to,
      from: change.from,
      start: change.time,
      end: changes[i + 1]?.time ?? end,
      ...(change.step !== undefined ? { step: change.step } : {}),
      ...(change.error !== undefined ? { error: change.error } : {}),
    }));
    const failures = changes
      .filter((change) => change.error !== undefined || change.to === 'FAILED')
      .map((change) => ({ time: change.time, step: change.step, error: change.error ?? 'failed' }));
    const list = byType.get(row.type) ?? [];
    list.push({ guid: row.guid, type: row.type, bars, failures });
    byType.set(row.type, list);
  }
  const groups = [...byType].map(([type, list]) => ({ type, rows: list }));

  return {
    title: input.title ?? 'timeline',
    start,
    end,
    groups,
    arrows: conditionArrows(conditions, rows),
    stateChanges: events.length,
    downtimes,
    interruptions,
  };
}

function isInterruption(record: InterruptRecord): boolean {
  return typeof record === 'object' && record !== null && Number.isFinite(record.time);
}

function isStateChange(record: EventRecord): boolean {
  return (
    typeof record.guid === 'string' &&
    typeof record.to === 'string' &&
    typeof record.from === 'string' &&
    (record.type === undefined || typeof record.type === 'string') &&
    Number.isFinite(record.time)
  );
}

function isConditionRecord(record: ConditionRecord): boolean {
  return (
    typeof record.guid === 'string' &&
    typeof record.action === 'string' &&
    Array.isArray(record.group) &&
    record.group.every((member) => typeof member === 'string') &&
    Number.isFinite(record.time) &&
    (record.event !== 'held' || Number.isFinite(record.deadline))
  );
}

/** One arrow per condition that held (its `held` record), to the time its action was released. */
function conditionArrows(conditions: readonly ConditionRecord[], rows: ReadonlyMap<string, RowBuilder>): TimelineArrow[] {
  const fired = new Map<string, number>();
  for (const record of conditions) {
    if (record.event === 'fired') fired.set(`${record.guid}\u0000${record.action}`, record.time);
  }
  const arrows: TimelineArrow[] = [];
  for (const record of conditions) {
    if (record.event !== 'held') continue;
    const releasedAt = fired.get(`${record.guid}\u0000${record.action}`);
    arrows.push({
      guid: record.guid,
      action: record.action,
      group: record.group,
      state: record.state,
      delay: record.delay,
      from: { guid: lastToReach(record, rows), time: record.time },
      to: { guid: record.guid, time: releasedAt ?? record.deadline },
      released: releasedAt !== undefined,
    });
  }
  return arrows;
}

/** The member of the condition's group that reached its state last (no later than it held). */
function lastToReach(record: ConditionRecord, rows: ReadonlyMap<string, RowBuilder>): string {
  const rank = isResourceState(record.state) ? stateRank(record.state) : 0;
  let best: string | undefined;
  let bestTime = -Infinity;
  for (const member of record.group) {
    const reached = rows.get(member)?.changes.find((change) => isResourceState(change.to) && stateRank(change.to) >= rank);
    if (reached && reached.time <= record.time && reached.time > bestTime) {
      best = member;
      bestTime = reached.time;
    }
  }
  return best ?? record.group[0] ?? record.guid;
}

/** Every row, in the order they are drawn. */
export function timelineRows(model: TimelineModel): TimelineRow[] {
  return model.groups.flatMap((group) => group.rows);
}
