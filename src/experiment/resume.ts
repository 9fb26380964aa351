/**
 * Resume: continue a run whose controller died, from what its run directory recorded.
 *
 * 1. `experiment.json` gives the experiment; `events.ndjson` every state change and the
 *    condition records. A run that has `summary.json` ended: there is nothing to resume.
 * 2. Each resource's type is asked (`reattach`) what is still there of what its steps made
 *    (see `planRestore` for which states are asked and what each answer leads to).
 * 3. A controller is built on the same run directory, each resource actor restored, silent,
 *    in its recorded state (`RestoredResource`), and a `resume` marker appended to the log.
 * 4. The recorded state changes are replayed into the controller with their original times
 *    (`replayed`: not written again). Its condition index computes every condition's due time
 *    from those times, so a pending delay ends when it would have without the crash.
 * 5. The resources leave `restoring` (RESUME) and the experiment is deployed again: actions
 *    already taken are not sent again; due ones go out now, the others become deadlines.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { InspectionEvent, Observer } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import { isResourceState, stateRank, type ResourceState, type StepName } from '../../machines/lifecycle.js';
import type { RestoredResource } from '../../machines/resource.js';
import { NepiError, describeCause } from '../errors.js';
import { coerceAttribute } from '../resources/attributes.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import type { ReattachOutcome } from '../resources/resource-type.js';
import { parseEventLog } from '../run/event-log.js';
import type { ConditionRecord, EventRecord } from '../run/event-record.js';
import { EVENTS_FILE, EXPERIMENT_FILE, RunDirectory, SUMMARY_FILE } from '../run/run-directory.js';
import { realClock } from '../time/real-clock.js';
import type { ExperimentDescription } from './description.js';
import type { ExperimentController } from './experiment-controller.js';
import { ResourceRecord, type RecordEnvironment } from './resource-record.js';
import { assertNoLiveController, writeControllerRecord } from './resume-lock.js';

export interface ResumeOptions {
  /** The clock the resumed run goes on with (default: the real clock, as recorded times are). */
  readonly clock?: Clock;
  readonly registry?: TypeRegistry;
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Called with the controller once its state is rebuilt, before its resources go on: listen
   * to it here (`ec.onStateChange`) to see what happens at the resume itself (an end found by
   * reattach, a delay that ended while no controller ran).
   */
  readonly beforeResume?: (ec: ExperimentController) => void;
}

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

/** What the run directory says of one resource. */
interface Recorded {
  state: ResourceState;
  times: Partial<Record<ResourceState, number>>;
  failedStep?: StepName;
  error?: string;
}

type Restore = RestoredResource & {
  readonly data?: Readonly<Record<string, unknown>>;
  /** What reattach said, for the resume record. */
  readonly found?: string;
};

export async function resumeRun(runDir: string, options: ResumeOptions = {}): Promise<ExperimentController> {
  const dir = resolve(runDir);
  const { description, events, conditions } = readRunDirectory(dir);
  assertNoLiveController(dir);
  // this process drives the run from now on: a second resume started while this one asks
  // the types what is still there (up to REATTACH_TIMEOUT_MS) must find it, not the dead one
  writeControllerRecord(dir);
  const clock = options.clock ?? realClock;
  const registry = options.registry ?? defaultRegistry;
  const recorded = recordedStates(events);
  const fired = new Set(conditions.filter((c) => c.event === 'fired').map((c) => `${c.guid}/${c.action}`));
  const restore = await planRestore(dir, description, recorded, fired, { clock, registry });

  const { buildExperiment } = await import('../files/load.js');
  const ec = buildExperiment(description, {
    localDir: dirname(dirname(dir)),
    expId: basename(dirname(dir)),
    runId: basename(dir),
    clock,
    registry,
    restore,
    startedAt: startedAt(dir, events),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });

  const marker: ResumeRecord = {
    kind: 'resume',
    wall: new Date().toISOString(),
    time: clock.now(),
    pid: process.pid,
    lastRecorded: events.at(-1)?.time,
    states: countStates(restore.values()),
    found: Object.fromEntries([...restore].flatMap(([guid, r]) => (found(r) === undefined ? [] : [[guid, found(r)!]]))),
  };
  const actor = ec.actor;
  // the conditions that held before the crash are in the log already: not reported again
  actor.send({ type: 'conditions.report', on: false });
  // RunDirectory.appendEvent first ends a line the crash cut short
  ec.recordResumed(marker);
  for (const event of events) {
    if (!restore.has(event.guid) || !isResourceState(event.from) || !isResourceState(event.to)) continue;
    actor.send({
      type: 'resource.state',
      guid: event.guid,
      from: event.from,
      to: event.to,
      time: event.time,
      ...(event.step !== undefined ? { step: event.step as StepName, error: new Error(event.error ?? 'no reason recorded') } : {}),
      replayed: true,
    });
  }
  actor.send({ type: 'conditions.report', on: true });
  options.beforeResume?.(ec);
  const actors = actor.getSnapshot().context.actors;
  for (const guid of restore.keys()) {
    // one released meanwhile (an abort replayed above releases everything) stays released
    const resource = actors.get(guid);
    if (resource?.getSnapshot().status === 'active') resource.send({ type: 'RESUME' });
  }
  // deployed again as `run()` deployed it: one group, everything auto-started, requested at
  // the time of the first record (condition timeouts go on from there, not from the resume)
  if (ec.status === 'running') {
    const at = Math.min(events[0]?.time ?? clock.now(), clock.now());
    actor.send({ type: 'deploy', guids: ec.resources, group: 'group1', waitAllReady: true, autoStart: true, at });
  }
  return ec;
}

/** When the run began: its first recorded event, else when experiment.json was written. */
function startedAt(dir: string, events: readonly EventRecord[]): Date {
  const first = events[0]?.wall;
  if (first !== undefined && !Number.isNaN(Date.parse(first))) return new Date(first);
  return statSync(join(dir, EXPERIMENT_FILE)).mtime;
}

function countStates(restored: Iterable<Restore>): Partial<Record<ResourceState, number>> {
  const counts: Partial<Record<ResourceState, number>> = {};
  for (const { state } of restored) counts[state] = (counts[state] ?? 0) + 1;
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

/** What the resume record says of a resource: what reattach found, or why it has nothing to find. */
function found(restore: Restore): string | undefined {
  if (restore.found !== undefined) return restore.found;
  if (restore.end) return `not found again: ${describeCause(restore.end.error)}`;
  return undefined;
}

function readRunDirectory(dir: string): {
  description: ExperimentDescription;
  events: EventRecord[];
  conditions: ConditionRecord[];
} {
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
  let description: ExperimentDescription;
  try {
    description = JSON.parse(experiment) as ExperimentDescription;
  } catch (error) {
    throw new NepiError(`${join(dir, EXPERIMENT_FILE)} is not valid JSON: ${(error as Error).message}`);
  }
  // the line being written when the controller died, cut short, is skipped
  const { events, conditions } = parseEventLog(read(EVENTS_FILE) ?? '');
  return { description, events, conditions };
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
async function planRestore(
  dir: string,
  description: ExperimentDescription,
  recorded: ReadonlyMap<string, Recorded>,
  fired: ReadonlySet<string>,
  env: { clock: Clock; registry: TypeRegistry },
): Promise<Map<string, Restore>> {
  const records = scratchRecords(dir, description, env);
  const plan = new Map<string, Restore>();
  await Promise.all(
    [...recorded].map(async ([guid, was]) => {
      const record = records.get(guid);
      if (!record) return; // not in experiment.json: not part of this experiment
      const base: RestoredResource = {
        state: was.state,
        times: was.times,
        ...(was.failedStep !== undefined ? { failedStep: was.failedStep, error: new Error(was.error) } : {}),
      };
      const rank = stateRank(was.state);
      if (rank < stateRank('READY') || was.state === 'RELEASED') {
        plan.set(guid, base);
        return;
      }
      const outcome = await reattach(record, was, fired);
      const data = { ...record.data };
      let restore: Restore = { ...base, data, ...(outcome ? { found: describeOutcome(outcome) } : {}) };
      if (was.state === 'READY' || was.state === 'STARTED') {
        if (outcome?.status === 'running') restore = { ...restore, to: 'STARTED' };
        else if (outcome?.status === 'ended') {
          restore = { ...restore, to: 'STARTED', end: outcome.ok ? { ok: true } : { ok: false, error: new Error(outcome.reason ?? 'it failed') } };
        } else if (was.state === 'STARTED') {
          if (outcome?.status === 'gone') restore = { ...restore, end: { ok: false, error: new Error(outcome.reason) } };
          else if (record.runs('run')) {
            restore = {
              ...restore,
              end: { ok: false, error: new Error(`it cannot be found again after the controller died: type ${record.type} has no reattach`) },
            };
          }
        }
      }
      plan.set(guid, restore);
    }),
  );
  return plan;
}

/** How long a type's reattach may take (real time) before the resource counts as gone. */
export const REATTACH_TIMEOUT_MS = 60_000;

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
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReattachOutcome>((resolve) => {
    timer = setTimeout(() => {
      abort.abort(new Error('reattach timed out'));
      resolve({ status: 'gone', reason: `reattach did not answer within ${REATTACH_TIMEOUT_MS / 1000} s` });
    }, REATTACH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve(hook(ctx, { state: was.state, ...(step ? { step } : {}), times: { ...was.times } })), timeout]);
  } catch (error) {
    return { status: 'gone', reason: `reattach failed: ${describeCause(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The step a resource was probably in: START or STOP had fired and no later state came. */
function inferStep(guid: string, state: ResourceState, fired: ReadonlySet<string>): StepName | undefined {
  if (state === 'READY') return fired.has(`${guid}/START`) ? 'start' : undefined;
  if (state === 'STARTED') return fired.has(`${guid}/STOP`) ? 'stop' : 'run';
  return undefined;
}

/**
 * Resource records for reattach only, outside any controller: the attributes and connections
 * of experiment.json, the same run directory. What reattach puts in their `data` is handed to
 * the resumed controller's records.
 */
function scratchRecords(
  dir: string,
  description: ExperimentDescription,
  env: { clock: Clock; registry: TypeRegistry },
): Map<string, ResourceRecord> {
  const records = new Map<string, ResourceRecord>();
  const environment: RecordEnvironment = {
    lookup: (guid) => {
      const record = records.get(guid);
      if (!record) throw new NepiError(`unknown resource '${guid}'`, { guid });
      return record;
    },
    clock: env.clock,
    expId: basename(dirname(dir)),
    runId: basename(dir),
    runDir: dir,
    run: new RunDirectory(dir),
  };
  const resources = Object.entries(description.resources ?? {});
  for (const [guid, resource] of resources) {
    if (!env.registry.has(resource.type)) continue; // buildExperiment reports it
    const type = env.registry.get(resource.type);
    const record = new ResourceRecord(guid, type, environment);
    for (const [name, value] of Object.entries(resource.attributes ?? {})) {
      const spec = type.attributes[name];
      if (!spec) continue;
      try {
        record.attributes.set(name, coerceAttribute(spec, value, { guid, type: type.type, attribute: name }));
      } catch {
        /* buildExperiment reports it */
      }
    }
    records.set(guid, record);
  }
  for (const [guid, resource] of resources) {
    for (const other of resource.connect ?? []) {
      records.get(guid)?.connections.add(other);
      records.get(other)?.connections.add(guid);
    }
  }
  return records;
}
