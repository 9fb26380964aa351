/** Reading a past run directory back: its summary, or what its event log says when it has none. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NepiError } from '../errors.js';
import { parseEventLog, type ResumeMark } from './event-log.js';
import type { ConditionRecord, EventRecord, InterruptRecord, TryRecord } from './event-record.js';
import { EVENTS_FILE, SUMMARY_FILE } from './run-directory.js';
import type { RunSummary } from './summary.js';

/** A past run directory read back by {@link readRun}: its summary and its records. */
export interface PastRun {
  readonly summary: RunSummary | undefined;
  /** Every state change recorded, in order. */
  readonly events: readonly EventRecord[];
  /** Every condition record (`"kind": "condition"`), in order. */
  readonly conditions: readonly ConditionRecord[];
  /** Every try record (`"kind": "try"`): failed tries of steps, and retries that worked. */
  readonly tries: readonly TryRecord[];
  /** Every resume (`"kind": "resume"`), with the time of the last record before it. */
  readonly resumes: readonly ResumeMark[];
  /** Every interrupt record (`"kind": "interrupt"`). */
  readonly interruptions: readonly InterruptRecord[];
}

/** Read `runDir`; throws a NepiError when it holds neither a summary nor an event log. */
export async function readRun(runDir: string): Promise<PastRun> {
  const summaryText = await readFile(join(runDir, SUMMARY_FILE), 'utf8').catch(() => undefined);
  const eventsText = await readFile(join(runDir, EVENTS_FILE), 'utf8').catch(() => undefined);
  if (summaryText === undefined && eventsText === undefined) {
    throw new NepiError(`'${runDir}' is not a run directory: it has no ${SUMMARY_FILE} and no ${EVENTS_FILE}`);
  }
  let summary: RunSummary | undefined;
  if (summaryText !== undefined) {
    try {
      summary = JSON.parse(summaryText) as RunSummary;
    } catch (error) {
      throw new NepiError(`${join(runDir, SUMMARY_FILE)} is not valid JSON: ${(error as Error).message}`);
    }
  }
  // a line cut short by a crash, and kinds written by a newer nepi, are skipped
  const { events, conditions, tries, resumes, interruptions } = parseEventLog(eventsText ?? '');
  return { summary, events, conditions, tries, resumes, interruptions };
}
