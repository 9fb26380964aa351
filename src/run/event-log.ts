/**
 * Parsing `events.ndjson`: one JSON object per line. A line without `kind` is a state change;
 * `kind: 'condition'` a condition record, `kind: 'try'` a try of a step, `kind: 'interrupt'`
 * the run's interruption, `kind: 'resume'` a resume after the controller died. A line with a kind
 * this version does not know is skipped (a newer nepi wrote it), and so is a line that is
 * not a JSON object: the line being written when the controller died, cut short.
 */
import type { ConditionRecord, EventRecord, InterruptRecord, TryRecord } from './event-record.js';

/**
 * A `kind: 'resume'` line, as the log places it: when the run was resumed, and the time of the
 * last record before that line (the last thing the controller that died wrote; it died some
 * time after it). The whole record is `ResumeRecord` (src/experiment/restore.ts).
 */
export interface ResumeMark {
  /** Clock time of the resume. */
  readonly time: number;
  /** Clock time of the last record before it: undefined when there was none. */
  readonly lastRecord: number | undefined;
}

export interface EventLog {
  /** State changes, in order. */
  readonly events: EventRecord[];
  readonly conditions: ConditionRecord[];
  readonly tries: TryRecord[];
  /** Set when the run was stopped early: the first interrupt record. */
  readonly interruption?: InterruptRecord;
  /** Every interrupt record (a resumed run may have been interrupted before it died, and again after). */
  readonly interruptions: InterruptRecord[];
  /** Every resume, in order. */
  readonly resumes: ResumeMark[];
  /** Lines that were not a JSON object (a torn last line), skipped. */
  readonly unreadable: number;
}

export function parseEventLog(text: string): EventLog {
  const log: EventLog = { events: [], conditions: [], tries: [], interruptions: [], resumes: [], unreadable: 0 };
  let unreadable = 0;
  let interruption: InterruptRecord | undefined;
  /** The latest clock time of the records so far, whatever their kind. */
  let lastTime: number | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      unreadable++;
      continue;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      unreadable++;
      continue;
    }
    const kind = (record as { kind?: unknown }).kind;
    const time = (record as { time?: unknown }).time;
    if (kind === undefined) log.events.push(record as EventRecord);
    else if (kind === 'condition') log.conditions.push(record as ConditionRecord);
    else if (kind === 'try') log.tries.push(record as TryRecord);
    else if (kind === 'interrupt') {
      interruption ??= record as InterruptRecord;
      log.interruptions.push(record as InterruptRecord);
    } else if (kind === 'resume' && typeof time === 'number' && Number.isFinite(time)) {
      log.resumes.push({ time, lastRecord: lastTime });
    }
    if (typeof time === 'number' && Number.isFinite(time)) lastTime = Math.max(lastTime ?? time, time);
  }
  return { ...log, unreadable, ...(interruption ? { interruption } : {}) };
}
