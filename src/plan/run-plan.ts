/**
 * `nepi plan`: run an experiment file on a virtual clock with every resource replaced by its
 * plan stand-in (plan-types.ts), and predict when each resource deploys, starts, ends and is
 * released, and how long the whole takes. The file is first checked exactly as `validate`
 * checks it, so a condition that can never hold is the same error, with the same message.
 */
import { basename, extname } from 'node:path';
import { stateRank, type ResourceState, type StepName } from '../../machines/lifecycle.js';
import type { AttributeChangeRecord } from '../../machines/resource.js';
import type { ExperimentController } from '../experiment/experiment-controller.js';
import { describeCause, RunStalledError } from '../errors.js';
import { loadFileTypes } from '../files/file-types.js';
import { loadExperimentFile, readExperimentFile } from '../files/load.js';
import type { Parameters } from '../files/parameters.js';
import { parseExperiment } from '../files/parse.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { toConditionRecord, toEventRecord, type ConditionRecord, type EventRecord } from '../run/event-record.js';
import { VirtualClock } from '../testing/virtual-clock.js';
import { parseDuration } from '../time/duration.js';
import { planRegistry } from './plan-types.js';

/** What the plan predicts for one resource; times in ms from the start of the deployment. */
export interface ResourcePlan {
  readonly guid: string;
  readonly type: string;
  /** The state it ends in (RELEASED when the plan ends normally). */
  readonly state: ResourceState;
  /** When each state is first reached. */
  readonly times: Partial<Record<ResourceState, number>>;
  /** When its deployment starts (DISCOVERED), it is READY, STARTED, ends (FINISHED, STOPPED or FAILED) and is RELEASED. */
  readonly deploy: number | undefined;
  readonly ready: number | undefined;
  readonly start: number | undefined;
  readonly end: number | undefined;
  readonly endState: ResourceState | undefined;
  readonly released: number | undefined;
  /** The runtime attribute changes its SET conditions make, when and to what; absent when none. */
  readonly changes?: readonly AttributeChangeRecord[];
}

/** What `nepi plan` predicts for an experiment file, run in virtual time with the step durations it hints. */
export interface ExperimentPlan {
  readonly expId: string;
  readonly file: string;
  /** From the start of the deployment to the last resource released, in ms. */
  readonly total: number;
  readonly status: 'released' | 'aborted';
  readonly resources: readonly ResourcePlan[];
  /**
   * Resources the experiment waits for that would wait forever (it never ends by itself),
   * with the state they stay in and, when the run fails them for it, why (a run that stalls
   * fails what it still waits for, docs/reliability.md).
   */
  readonly stuck: readonly StuckResource[];
  /** The predicted records, as a run's events.ndjson holds them. */
  readonly events: readonly EventRecord[];
  readonly conditions: readonly ConditionRecord[];
}

/** A resource that would wait forever. */
export interface StuckResource {
  readonly guid: string;
  /** The state it stays in. */
  readonly state: ResourceState;
  /** The error a run fails it with once nothing else can happen (what it still waits for). */
  readonly cause?: string;
}

/** Options of {@link planExperimentFile}. */
export interface PlanOptions {
  /** The experiment id (default: the file's `expId`, else the file's name without extension). */
  readonly expId?: string;
  /** Where the real types are looked up (default: the built-in registry). */
  readonly registry?: TypeRegistry;
  /** The values of the file's `${name}` parameters. */
  readonly parameters?: Parameters;
}

/** Plan the experiment file at `path`. Throws the ExperimentFileError `validate` would throw. */
export async function planExperimentFile(path: string, options: PlanOptions = {}): Promise<ExperimentPlan> {
  const text = await readExperimentFile(path);
  // the real types: the given ones and those of the modules the file's `types` names
  const registry = await loadFileTypes(text, path, { registry: options.registry ?? defaultRegistry });
  const parameters = options.parameters ? { parameters: options.parameters } : {};
  // the checks of `nepi validate`, on the real types
  const checked = await loadExperimentFile(path, { record: false, registry, ...parameters });
  await checked.shutdown();

  const { description } = parseExperiment(text, {
    file: path,
    registry,
    ...parameters,
  });
  // a file without expId is planned under its own name, not a new made-up one each time
  const expId = options.expId ?? description.expId ?? (basename(path, extname(path)) || 'plan');
  const durations = new Map<string, Partial<Record<StepName, number>>>();
  for (const [name, resource] of Object.entries(description.resources)) {
    if (!resource.plan) continue;
    durations.set(name, Object.fromEntries(Object.entries(resource.plan).map(([step, time]) => [step, parseDuration(time)])));
  }

  const clock = new VirtualClock();
  const ec = await loadExperimentFile(path, {
    record: false,
    registry: planRegistry(registry, durations),
    clock,
    expId,
    ...parameters,
  });
  return runPlan(ec, clock, path);
}

/** Run `ec` (built on `clock`) to its end in virtual time and collect what happened. */
export async function runPlan(ec: ExperimentController, clock: VirtualClock, file: string): Promise<ExperimentPlan> {
  const events: EventRecord[] = [];
  const conditions: ConditionRecord[] = [];
  const types = new Map<string, string>();
  for (const guid of ec.resources) types.set(guid, ec.getResource(guid).type);
  // the resources the run fails because it stalled, in the state they were stuck in
  const stalled: StuckResource[] = [];
  const offState = ec.onStateChange((event) => {
    events.push(toEventRecord(event, types.get(event.guid)));
    if (event.to === 'FAILED' && event.error instanceof RunStalledError)
      stalled.push({ guid: event.guid, state: event.from, cause: describeCause(event.error) });
  });
  const offCondition = ec.onCondition((event) => conditions.push(toConditionRecord(event)));

  let ended = false;
  const run = ec.run().finally(() => {
    ended = true;
  });
  let stuck: StuckResource[] = [];
  await drive(clock, () => ended);
  if (!ended) {
    // nothing left to happen and the experiment did not end: some resources wait forever
    // what run() waits for: the resources that end by themselves, else every resource STARTED
    const ending = ec.endingResources();
    stuck = (ending.length > 0 ? ending : ec.resources)
      .map((guid) => ({ guid, state: ec.state(guid) }))
      .filter(({ state }) => (ending.length > 0 ? !isEnded(state) : stateRank(state) < stateRank('STARTED')));
    const shutdown = ec.shutdown();
    let released = false;
    void shutdown.finally(() => {
      released = true;
    });
    await drive(clock, () => released);
  }
  const summary = await run;
  if (stuck.length === 0) stuck = stalled;
  offState();
  offCondition();

  const resources = ec.resources.map((guid): ResourcePlan => {
    const { type, state, times, changes } = ec.getResource(guid);
    const end = (['FINISHED', 'STOPPED', 'FAILED'] as const).find((s) => times[s] !== undefined);
    return {
      guid,
      type,
      state,
      times,
      deploy: times.DISCOVERED,
      ready: times.READY,
      start: times.STARTED,
      end: end === undefined ? undefined : times[end],
      endState: end,
      released: times.RELEASED,
      ...(changes ? { changes } : {}),
    };
  });
  const total = Math.max(0, ...events.map((event) => event.time), ...conditions.map((record) => record.time));
  return {
    expId: ec.expId,
    file,
    total,
    status: summary.status === 'aborted' ? 'aborted' : 'released',
    resources,
    stuck,
    events,
    conditions,
  };
}

function isEnded(state: ResourceState): boolean {
  return state === 'FINISHED' || state === 'STOPPED' || state === 'FAILED' || state === 'RELEASED';
}

/** Fire every timer until `done()`, or until no timer is left and nothing more happens. */
async function drive(clock: VirtualClock, done: () => boolean): Promise<void> {
  for (;;) {
    await clock.runAll();
    // let promise chains started by the last timers run: they may set new timers
    for (let i = 0; i < 5 && !done() && clock.pending === 0; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    if (done() || clock.pending === 0) return;
  }
}
