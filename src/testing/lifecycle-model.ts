/**
 * The resource lifecycle as a test model: `xstate/graph`'s TestModel on the very machine the
 * engine runs (machines/resource.ts), with the outcomes of steps as events of the model.
 *
 * The machine's own events are DEPLOY, START, STOP and RELEASE. A step is an invoked actor:
 * its outcome is the actor's done or error event, which the model offers as `<step> ok` and
 * `<step> fails` while that step runs (`run ok` is the work ending by itself: FINISHED). The
 * controller's own events are left out: FAIL (a dependency failed) and HALT (a release waits
 * for dependents); a resource fails by its own steps here.
 *
 * By default every step runs (a plan where no step is skipped); pass `plan` to model a type
 * that skips some. The lifecycle has no cycle, so its simple paths from NEW to RELEASED are
 * all its complete lifecycles: every way through the steps, every failure, and a release
 * (succeeding or failing) from every state.
 */
import type { ActorLogic, AnyEventObject } from 'xstate';
import { TestModel, type AdjacencyValue, type TestPath } from 'xstate/graph';
import { STEPS, type ResourceState, type StepName, type StepPlan } from '../../machines/lifecycle.js';
import { resourceMachine, type ResourceInput, type ResourceSnapshot } from '../../machines/resource.js';

/** What a user (or the controller) asks a resource to do. */
export type LifecycleAction = 'DEPLOY' | 'START' | 'STOP' | 'RELEASE';

/**
 * An event of the model: an action, or the outcome of the step that runs. `run ok` means the
 * work ended by itself; `<step> fails` that the step threw.
 */
export type LifecycleEvent = LifecycleAction | `${StepName} ok` | `${StepName} fails`;

/** Where the model says a resource is. */
export interface LifecyclePoint {
  /** The lifecycle state `ec.state(guid)` reports: the last state entered. */
  readonly state: ResourceState;
  /** The step running, if any (the resource is between two states). */
  readonly step: StepName | undefined;
  /** The step whose failure was recorded last, if any. */
  readonly failedStep: StepName | undefined;
  /** The resource machine's own state value, e.g. `provisioning` or `STARTED.running`. */
  readonly value: string;
  /** RELEASED: the machine is done. */
  readonly done: boolean;
}

/** One event of a path, and where the resource must be after it. */
export interface LifecyclePathStep {
  readonly event: LifecycleEvent;
  /** Where the resource must be once `event` has been handled. */
  readonly expect: LifecyclePoint;
}

/** One way through the lifecycle, NEW to RELEASED: its events, and where each leaves the resource. */
export interface LifecyclePath {
  /** The events, in order: the readable form of the path. */
  readonly events: readonly LifecycleEvent[];
  readonly steps: readonly LifecyclePathStep[];
  /** Where the path ends. */
  readonly end: LifecyclePoint;
}

/** Which resource the model is of: the steps it runs, and whether it restarts. */
export interface LifecycleModelOptions {
  /**
   * The steps the modelled resource runs: a plan, or the list of steps. Default: every
   * step, so that a failure can be injected at each of them.
   */
  readonly plan?: StepPlan | readonly StepName[];
  /**
   * Whether a STOPPED resource may START again (its type is `restartable`): the machine takes
   * START in STOPPED, and the controller sends it only then. Default: false.
   */
  readonly restartable?: boolean;
}

type ModelEvent = AnyEventObject & { readonly label: LifecycleEvent };
type Model = TestModel<ResourceSnapshot, ModelEvent, ResourceInput>;

const ACTIONS: readonly LifecycleAction[] = ['DEPLOY', 'START', 'STOP', 'RELEASE'];

/** The step an invoked actor runs: its `src` is the step's name in the machine. */
function stepOf(snapshot: ResourceSnapshot): { step: StepName; id: string } | undefined {
  for (const [id, child] of Object.entries(snapshot.children as Record<string, { src?: unknown } | undefined>)) {
    const src = child?.src;
    if (typeof src === 'string' && (STEPS as readonly string[]).includes(src)) return { step: src as StepName, id };
  }
  return undefined;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([key, sub]) => `${key}.${valueText(sub)}`)
    .join(',');
}

/** Where a model snapshot says the resource is. */
export function lifecyclePoint(snapshot: ResourceSnapshot): LifecyclePoint {
  return {
    state: snapshot.context.state,
    step: stepOf(snapshot)?.step,
    failedStep: snapshot.context.failedStep,
    value: valueText(snapshot.value),
    done: snapshot.status === 'done',
  };
}

function modelEvents(snapshot: ResourceSnapshot, restartable: boolean): ModelEvent[] {
  if (snapshot.status !== 'active') return [];
  const actions = restartable || snapshot.context.state !== 'STOPPED' ? ACTIONS : ACTIONS.filter((action) => action !== 'START');
  const events: ModelEvent[] = actions.map((type) => ({ type, label: type }));
  const running = stepOf(snapshot);
  if (running) {
    const { step, id } = running;
    events.push({ type: `xstate.done.actor.${id}`, actorId: id, output: undefined, label: `${step} ok` });
    events.push({
      type: `xstate.error.actor.${id}`,
      actorId: id,
      error: new Error(`injected failure at ${step}`),
      label: `${step} fails`,
    });
  }
  return events;
}

/**
 * Model states are told apart by the machine's state, the lifecycle state last entered
 * (releasing from READY is not releasing from NEW) and the step that failed last.
 */
function serializeModelState(snapshot: ResourceSnapshot): string {
  return `${valueText(snapshot.value)}|${snapshot.context.state}|${snapshot.context.failedStep ?? ''}`;
}

function toPlan(plan: LifecycleModelOptions['plan']): StepPlan {
  if (plan === undefined) return () => true;
  if (typeof plan === 'function') return plan;
  const steps = new Set<StepName>(plan);
  return (step) => steps.has(step);
}

/**
 * The lifecycle as an `xstate/graph` TestModel of `machines/resource.ts`. Its events are
 * labelled with their LifecycleEvent (`event.label`); states are told apart by the machine's
 * state, the lifecycle state last entered and the step that failed last.
 */
export function lifecycleTestModel(options: LifecycleModelOptions = {}): Model {
  const input: ResourceInput = { guid: 'model', type: 'model::Resource', plan: toPlan(options.plan), now: () => 0 };
  // createTestModel refuses machines with invocations; steps are invocations here, and
  // their outcomes are events of the model, so the TestModel is built directly.
  return new TestModel(resourceMachine as unknown as ActorLogic<ResourceSnapshot, ModelEvent, ResourceInput>, {
    input,
    events: (snapshot) => modelEvents(snapshot, options.restartable === true),
    serializeState: serializeModelState,
    serializeEvent: (event: ModelEvent) => event.label,
  });
}

function toLifecyclePath(path: TestPath<ResourceSnapshot, ModelEvent>): LifecyclePath {
  // xstate/graph starts every path with the initial state reached by `xstate.init`
  const steps = path.steps.filter((step) => step.event.type !== 'xstate.init').map((step) => ({ event: step.event.label, expect: lifecyclePoint(step.state) }));
  return { events: steps.map((step) => step.event), steps, end: lifecyclePoint(path.state) };
}

/** The shortest path to every state of the model, the empty path to NEW excepted. */
export function shortestLifecyclePaths(options: LifecycleModelOptions = {}): LifecyclePath[] {
  return lifecycleTestModel(options)
    .getShortestPaths({ allowDuplicatePaths: true })
    .map(toLifecyclePath)
    .filter((path) => path.events.length > 0);
}

/**
 * Every simple path from NEW to RELEASED: every complete lifecycle, with every step
 * succeeding or failing and a release, succeeding or failing, from every state.
 */
export function simpleLifecyclePaths(options: LifecycleModelOptions = {}): LifecyclePath[] {
  return lifecycleTestModel(options)
    .getSimplePaths({ toState: (snapshot) => snapshot.status === 'done', allowDuplicatePaths: true })
    .map(toLifecyclePath);
}

/**
 * The path the model takes for `events` (readable events, as in `LifecyclePath.events`).
 * Throws when the model does not accept one of them where it comes.
 */
export function resolveLifecyclePath(events: readonly LifecycleEvent[], options: LifecycleModelOptions = {}): LifecyclePath {
  const model = lifecycleTestModel(options);
  // keyed by branded strings, which Object.values does not see through
  const adjacency = model.getAdjacencyMap() as Record<string, AdjacencyValue<ResourceSnapshot, ModelEvent>>;
  const states = Object.values(adjacency);
  let current = states[0];
  const steps: LifecyclePathStep[] = [];
  for (const [i, event] of events.entries()) {
    const next = current?.transitions[event as never];
    if (!current || !next) {
      const allowed = current ? Object.keys(current.transitions).join(', ') : 'nothing';
      throw new Error(`the lifecycle model does not accept '${event}' after ${formatLifecyclePath(events.slice(0, i)) || 'nothing'}; it accepts ${allowed}`);
    }
    const key = serializeModelState(next.state);
    if (key === serializeModelState(current.state)) {
      throw new Error(`the lifecycle model ignores '${event}' after ${formatLifecyclePath(events.slice(0, i)) || 'nothing'}`);
    }
    steps.push({ event, expect: lifecyclePoint(next.state) });
    current = adjacency[key];
  }
  const end = steps.at(-1)?.expect ?? lifecyclePoint(states[0]!.state);
  return { events: [...events], steps, end };
}

/** A path as one line: `DEPLOY → discover ok → provision fails → RELEASE → release ok`. */
export function formatLifecyclePath(events: readonly LifecycleEvent[]): string {
  return events.join(' → ');
}
