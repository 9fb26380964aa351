/**
 * A plan's folder: `plan.json` (the prediction), `events.ndjson` (the predicted records, so
 * `nepi timeline` works on it too) and the predicted `timeline.html` and `timeline.svg`.
 */
import { join } from 'node:path';
import { EVENTS_FILE } from '../run/run-directory.js';
import { writeTimelineFiles } from '../timeline/write.js';
import { makeFolder, writeFileAtomically } from '../timeline/write-file.js';
import type { ExperimentPlan } from './run-plan.js';

export const PLAN_FILE = 'plan.json';

/** The prediction without its records: what plan.json and `nepi plan --json` hold. */
export function planReport(plan: ExperimentPlan): Omit<ExperimentPlan, 'events' | 'conditions'> {
  const { events: _events, conditions: _conditions, ...report } = plan;
  return report;
}

/** Write the plan's files into `dir` (created if needed); returns the timeline's paths. */
export function writePlan(dir: string, plan: ExperimentPlan): string[] {
  makeFolder(dir);
  writeFileAtomically(join(dir, PLAN_FILE), `${JSON.stringify(planReport(plan), null, 2)}\n`);
  const records = [...plan.events, ...plan.conditions].sort((a, b) => a.time - b.time);
  writeFileAtomically(join(dir, EVENTS_FILE), records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  return writeTimelineFiles(dir, { title: `plan of ${plan.expId}`, events: plan.events, conditions: plan.conditions });
}
