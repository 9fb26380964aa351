/**
 * Parsing `events.ndjson`: one JSON object per line. A line without `kind` is a state change;
 * `kind: 'condition'` a condition record, `kind: 'try'` a try of a step, `kind: 'interrupt'`
 * the run's interruption. A line with a kind
 * this version does not know is skipped (a newer nepi wrote it), and so is a line that is
 * not a JSON object: the line being written when the controller died, cut short.
 */
import type { ConditionRecord, EventRecord, InterruptRecord, TryRecord } from './event-record.js';

export interface EventLog {
  /** State changes, in order. */
  readonly events: EventRecord[];
  readonly conditions: ConditionRecord[];
  readonly tries: TryRecord[];
  /** Set when the run was stopped early. */
  readonly interruption?: InterruptRecord;
  /** Lines that were not a JSON object (a torn last line), skipped. */
  readonly unreadable: number;
}

export function parseEventLog(text: string): EventLog {
  const log: EventLog = { events: [], conditions: [], tries: [], unreadable: 0 };
  let unreadable = 0;
  let interruption: InterruptRecord | undefined;
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
    if (kind === undefined) log.events.push(record as EventRecord);
    else if (kind === 'condition') log.conditions.push(record as ConditionRecord);
    else if (kind === 'try') log.tries.push(record as TryRecord);
    else if (kind === 'interrupt') interruption ??= record as InterruptRecord;
  }
  return { ...log, unreadable, ...(interruption ? { interruption } : {}) };
}
