/**
 * What a run directory recorded of a run whose controller died, for `nepi resume`:
 * `experiment.json` (the experiment as deployed) and `events.ndjson` (every state change
 * and condition record). A run that has `summary.json` ended: there is nothing to resume.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NepiError } from '../errors.js';
import { parseEventLog } from './event-log.js';
import type { ConditionRecord, EventRecord } from './event-record.js';
import { EVENTS_FILE, EXPERIMENT_FILE, SUMMARY_FILE } from './run-directory.js';

export interface RecordedRun {
  /** experiment.json, parsed (to be checked as a description). */
  readonly description: unknown;
  /** State changes, in order (the line cut short by the crash skipped). */
  readonly events: readonly EventRecord[];
  readonly conditions: readonly ConditionRecord[];
  /** When the run began: its first recorded event, else when experiment.json was written. */
  readonly startedAt: Date;
}

/** Read the run in `dir` to resume it; a NepiError says why it cannot be. */
export function readRecordedRun(dir: string): RecordedRun {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  if (read(SUMMARY_FILE) !== undefined) {
    throw new NepiError(`the run in '${dir}' ended (it has ${SUMMARY_FILE}): there is nothing to resume`);
  }
  const experiment = read(EXPERIMENT_FILE);
  if (experiment === undefined) {
    throw new NepiError(`'${dir}' is not a run directory that can be resumed: it has no ${EXPERIMENT_FILE} (the run was never deployed)`);
  }
  let description: unknown;
  try {
    description = JSON.parse(experiment);
  } catch (error) {
    throw new NepiError(`${join(dir, EXPERIMENT_FILE)} is not valid JSON: ${(error as Error).message}`);
  }
  const { events, conditions } = parseEventLog(read(EVENTS_FILE) ?? '');
  const first = events[0]?.wall;
  const startedAt = first !== undefined && !Number.isNaN(Date.parse(first)) ? new Date(first) : statSync(join(dir, EXPERIMENT_FILE)).mtime;
  return { description, events, conditions, startedAt };
}
