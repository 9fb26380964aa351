/**
 * Resume: how a run whose controller died goes on, from what its run directory recorded.
 *
 * 1. `experiment.json` gives the experiment; `events.ndjson` every state change and the
 *    condition records (src/run/recorded-run.ts).
 * 2. A controller is built from the description, as for any run (its resources are NEW).
 * 3. Each resource's type is asked (`reattach`, with the new controller's own records and
 *    backend sessions) what is still there of what its steps made; see `planRestore` for
 *    which states are asked and what each answer leads to.
 * 4. The controller machine takes the plan in one `restore` event (machines/controller.ts):
 *    each resource waits in its recorded state, the recorded state changes are replayed into
 *    its condition index with their original times (so a pending delay ends when it would
 *    have without the crash), the resources go on, and the experiment is deployed again:
 *    actions already taken are not taken again; due ones go out now, the others become
 *    deadlines.
 */
import { basename, dirname, resolve } from 'node:path';
import type { Clock } from '../../machines/clock.js';
import type { RecordedStateChange } from '../../machines/controller.js';
import { isResourceState, stateRank, type ResourceState, type StepName } from '../../machines/lifecycle.js';
import type { RestoredResource } from '../../machines/resource.js';
import { describeCause, NepiError } from '../errors.js';
import type { TypeRegistry } from '../resources/registry.js';
import { loadTypeModules, type TypeModuleSource } from '../resources/type-modules.js';
import type { ReattachOutcome } from '../resources/resource-type.js';
import type { EventRecord } from '../run/event-record.js';
import { readRecordedRun, type RecordedRun } from '../run/recorded-run.js';
import { within } from '../time/race.js';
import { checkExperiment, isPlainObject } from './check-description.js';
import type { ExperimentFileDescription } from './description.js';
import type { ResourceRecord } from './resource-record.js';
import type { ExperimentControllerOptions, ResumeOptions } from './options.js';
import { assertNoLiveController, writeControllerRecord } from '../run/controller-record.js';

/** The `{"kind":"resume"}` line appended to events.ndjson when a run is resumed. */
export interface ResumeRecord {
  readonly kind: 'resume';
  readonly wall: string;
  /** Clock time of the resume. */
  readonly time: number;
  /** The resuming process. */
  readonly pid: number;
  /** The time of the last state change recorded before the crash. */
  readonly lastRecorded: number | undefined;
  /** How many resources were recorded in each state. */
  readonly states: Readonly<Partial<Record<ResourceState, number>>>;
  /** By guid, what its type's `reattach` answered, or why it could not be found again. */
  readonly found: Readonly<Record<string, string>>;
}

/** What the controller machine's `restore` event carries (see machines/controller.ts). */
export interface RestorePlan {
  readonly resources: ReadonlyArray<{ readonly guid: string; readonly restore: RestoredResource }>;
  readonly events: readonly RecordedStateChange[];
  readonly marker: ResumeRecord;
  /** When the actions were first requested: the time of the first record. */
  readonly at: number;
}

/** What the run directory says of one resource. */
interface Recorded {
  state: ResourceState;
  times: Partial<Record<ResourceState, number>>;
  failedStep?: StepName;
  error?: string;
}

/**
 * Take over the run in `runDir` for a resume: read what it recorded, check that no other
 * controller drives it, record this process as its controller, load the types modules its
 * experiment's types came from (`types` in experiment.json, into a copy of `given`), and check
 * its experiment as a description. Returns the options its new controller is made with too:
 * where the run lives (its localDir, expId and runId), when it started, the registry its types
 * are in, and `options`' clock and inspector.
 */
export async function takeOverRun(
  runDir: string,
  given: TypeRegistry,
  options: Pick<ResumeOptions, 'clock' | 'inspect'>,
): Promise<{ recorded: RecordedRun; description: ExperimentFileDescription; options: ExperimentControllerOptions }> {
  const dir = resolve(runDir);
  const recorded = readRecordedRun(dir);
  assertNoLiveController(dir);
  // this process drives the run from now on: a second resume started while this one asks
  // the types what is still there (up to REATTACH_TIMEOUT_MS) must find it, not the dead one
  writeControllerRecord(dir);
  const registry = await loadTypeModules(recordedTypeModules(recorded.description, dir), given);
  const checked = checkExperiment(recorded.description, registry);
  const [problem] = checked.problems;
  if (problem) throw new NepiError(`${resolve(dir, 'experiment.json')}: ${problem.problem}`);
  const where = { localDir: dirname(dirname(dir)), expId: basename(dirname(dir)), runId: basename(dir) };
  const { clock, inspect } = options;
  const made = { ...where, registry, startedAt: recorded.startedAt, ...(clock ? { clock } : {}), ...(inspect ? { inspect } : {}) };
  return { recorded, description: checked.description, options: made };
}

/** The types modules experiment.json lists in `types` (absolute paths, see recorder.ts); what is not a list of strings is left to the check. */
function recordedTypeModules(description: unknown, dir: string): TypeModuleSource[] {
  const types = isPlainObject(description) ? description['types'] : undefined;
  if (!Array.isArray(types)) return [];
  const namedBy = `${resolve(dir, 'experiment.json')}: types`;
  return types.filter((module): module is string => typeof module === 'string').map((module) => ({ module, from: dir, namedBy }));
}

/** How long a type's reattach may take (real time) before the resource counts as gone. */
export const REATTACH_TIMEOUT_MS = 60_000;

/**
 * How each resource goes on, after asking its type's `reattach` (when it has one):
 *
 * | recorded | running | ended | gone, or no reattach |
 * | --- | --- | --- | --- |
 * | DISCOVERED, PROVISIONED | not asked: the next step runs again | | |
 * | READY | STARTED now, then as below | STARTED, then FINISHED / FAILED now | READY: start runs again |
 * | STARTED | STARTED: `run` waits for its end again | FINISHED / FAILED (`run`) now | FAILED (`run`) with the reason; without reattach and without `run`, STARTED |
 * | STOPPED, FINISHED, FAILED | asked only so that release finds what to clean | | |
 * | RELEASED | not asked | | |
 */
export async function planRestore(run: RecordedRun, recordOf: (guid: string) => ResourceRecord | undefined, clock: Clock): Promise<RestorePlan> {
  const recorded = recordedStates(run.events);
  const fired = new Set(run.conditions.filter((c) => c.event === 'fired').map((c) => `${c.guid}/${c.action}`));
  const found = new Map<string, string>();
  const resources: Array<{ guid: string; restore: RestoredResource }> = [];
  await Promise.all(
    [...recorded].map(async ([guid, was]) => {
      const record = recordOf(guid);
      if (!record) return; // not in experiment.json: not part of this experiment
      let restore: RestoredResource = {
        state: was.state,
        times: was.times,
        ...(was.failedStep !== undefined ? { failedStep: was.failedStep, error: new Error(was.error) } : {}),
      };
      const rank = stateRank(was.state);
      if (rank >= stateRank('READY') && was.state !== 'RELEASED') {
        const outcome = await reattach(record, was, fired);
        if (outcome) found.set(guid, describeOutcome(outcome));
        restore = afterReattach(restore, was, outcome, record);
        if (restore.end && outcome === undefined) found.set(guid, `not found again: ${describeCause(restore.end.error)}`);
      }
      resources.push({ guid, restore });
    }),
  );
  const restored = new Set(resources.map((r) => r.guid));
  const now = clock.now();
  return {
    resources,
    events: run.events.flatMap((event) => (restored.has(event.guid) ? toChange(event) : [])),
    marker: {
      kind: 'resume',
      wall: new Date().toISOString(),
      time: now,
      pid: process.pid,
      lastRecorded: run.events.at(-1)?.time,
      states: countStates(resources.map((r) => r.restore.state)),
      found: Object.fromEntries(found),
    },
    at: Math.min(run.events[0]?.time ?? now, now),
  };
}

function afterReattach(base: RestoredResource, was: Recorded, outcome: ReattachOutcome | undefined, record: ResourceRecord): RestoredResource {
  if (was.state !== 'READY' && was.state !== 'STARTED') return base;
  if (outcome?.status === 'running') return { ...base, to: 'STARTED' };
  if (outcome?.status === 'ended') {
    return { ...base, to: 'STARTED', end: outcome.ok ? { ok: true } : { ok: false, error: new Error(outcome.reason ?? 'it failed') } };
  }
  if (was.state !== 'STARTED') return base;
  if (outcome?.status === 'gone') return { ...base, end: { ok: false, error: new Error(outcome.reason) } };
  if (record.runs('run')) {
    return { ...base, end: { ok: false, error: new Error(`it cannot be found again after the controller died: type ${record.type} has no reattach`) } };
  }
  return base;
}

function toChange(event: EventRecord): RecordedStateChange[] {
  if (!isResourceState(event.from) || !isResourceState(event.to)) return [];
  return [
    {
      guid: event.guid,
      to: event.to,
      time: event.time,
      ...(event.step !== undefined ? { step: event.step as StepName, error: new Error(event.error ?? 'no reason recorded') } : {}),
    },
  ];
}

function countStates(states: readonly ResourceState[]): Partial<Record<ResourceState, number>> {
  const counts: Partial<Record<ResourceState, number>> = {};
  for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

function describeOutcome(outcome: ReattachOutcome): string {
  switch (outcome.status) {
    case 'running':
      return 'running';
    case 'ended':
      return outcome.ok ? 'ended' : `ended: ${outcome.reason ?? 'failed'}`;
    case 'gone':
      return `gone: ${outcome.reason}`;
  }
}

/** The last recorded state of each resource, when it entered each state, and its failure. */
function recordedStates(events: readonly EventRecord[]): Map<string, Recorded> {
  const first = events[0]?.time;
  const states = new Map<string, Recorded>();
  for (const event of events) {
    if (!isResourceState(event.to)) continue;
    let entry = states.get(event.guid);
    if (!entry) {
      // NEW is stamped without a record: the start of the log stands for it
      entry = { state: 'NEW', times: { NEW: first ?? event.time } };
      states.set(event.guid, entry);
    }
    if (event.to === 'STARTED' && entry.state === 'STOPPED') {
      // a restart: the resource runs again, from this start (a type's reattach counts from it)
      const { STOPPED: _stopped, ...before } = entry.times;
      entry.state = 'STARTED';
      entry.times = { ...before, STARTED: event.time };
      continue;
    }
    if (stateRank(event.to) <= stateRank(entry.state)) continue;
    entry.state = event.to;
    entry.times[event.to] ??= event.time;
    if (event.step !== undefined) {
      entry.failedStep = event.step as StepName;
      entry.error = event.error ?? 'no reason recorded';
    }
  }
  return states;
}

/**
 * Ask the type; undefined without a hook. A hook that throws, or does not answer within
 * REATTACH_TIMEOUT_MS (its signal is then aborted), found the resource gone.
 */
async function reattach(record: ResourceRecord, was: Recorded, fired: ReadonlySet<string>): Promise<ReattachOutcome | undefined> {
  const hook = record.resourceType.reattach;
  if (!hook) return undefined;
  const step = inferStep(record.guid, was.state, fired);
  const abort = new AbortController();
  const ctx = record.stepContext(step ?? 'release', abort.signal);
  try {
    const answer = await within(Promise.resolve(hook(ctx, { state: was.state, ...(step ? { step } : {}), times: { ...was.times } })), REATTACH_TIMEOUT_MS);
    if (answer.settled) return answer.value;
    abort.abort(new Error('reattach timed out'));
    return { status: 'gone', reason: `reattach did not answer within ${REATTACH_TIMEOUT_MS / 1000} s` };
  } catch (error) {
    return { status: 'gone', reason: `reattach failed: ${describeCause(error)}` };
  }
}

/** The step a resource was probably in: START or STOP had fired and no later state came. */
function inferStep(guid: string, state: ResourceState, fired: ReadonlySet<string>): StepName | undefined {
  if (state === 'READY') return fired.has(`${guid}/START`) ? 'start' : undefined;
  if (state === 'STARTED') return fired.has(`${guid}/STOP`) ? 'stop' : 'run';
  return undefined;
}
