/**
 * The lifecycle of one resource manager (RM), free of I/O.
 *
 *   NEW → DISCOVERED → PROVISIONED → READY → STARTED → STOPPED | FINISHED
 *   any step may fail → FAILED;  RELEASE from any state → RELEASED (final)
 *
 * Each step is an invoked actor whose logic the resource's type supplies with `.provide()`
 * (actors `discover`, `provision`, `deploy`, `start`, `run`, `stop`, `release`). A step the
 * resource does not run (see `StepPlan`) is skipped by a guard and costs no actor at all.
 * `run` is invoked while STARTED: it resolves when the work ended by itself (FINISHED) and
 * rejects when it failed; leaving STARTED (stop, release) cancels it through its AbortSignal.
 *
 * Every lifecycle state entered is stamped in `context.times` (first entry only) and
 * reported as a `resource.state` event, emitted and sent to the parent actor when there is one.
 * The states where something is in progress (a step runs, a resume is pending) are tagged
 * `busy`: `snapshot.hasTag('busy')`.
 *
 * While STARTED, `SET` changes a `runtime` attribute: the `set` step runs as a spawned child
 * (`set.N`), beside `run`, which goes on. When it is done the change is kept in
 * `context.changes` and reported (`resource.changed`); when it fails the resource fails at
 * step `set`. A SET outside STARTED is not taken.
 */
import { assign, enqueueActions, fromPromise, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { ResourceState, StepName, StepPlan } from './lifecycle.js';

/** What a step actor receives as input. `handle` is opaque to the machine. */
export interface StepInput {
  readonly guid: string;
  readonly step: StepName;
  readonly handle: unknown;
  /** For the `set` step: the attribute and the value it takes. */
  readonly change?: { readonly name: string; readonly value: unknown };
}

/** A change of a runtime attribute, as the `set` step applied it (its output). */
export interface AttributeChange {
  readonly name: string;
  readonly value: unknown;
  /** The value before. */
  readonly previous: unknown;
}

/** A change applied, as kept in `context.changes` and reported to the controller. */
export interface AttributeChangeRecord extends AttributeChange {
  /** Clock time at which the `set` step ended. */
  readonly time: number;
}

/** The input of {@link resourceMachine}: one resource of one type. */
export interface ResourceInput {
  readonly guid: string;
  readonly type: string;
  /** Which steps this resource runs; the others are skipped without an actor. */
  readonly plan: StepPlan;
  /** The clock's `now()`: the time stamped on every state entered. */
  readonly now: () => number;
  /** Whatever the backend needs to find this resource again; passed to every step. */
  readonly handle?: unknown;
  /** Resume: the state the run directory recorded for this resource (see `RestoredResource` in machines/resource.ts). */
  readonly restore?: RestoredResource;
}

/**
 * What a resumed controller recorded of a resource before it died, and where it goes on.
 * A restored resource starts in `restoring`, silent, with `state` and `times` as recorded,
 * and waits there for `RESUME`: it then enters `to` (default `state`). Entering the recorded
 * state again reports nothing; a step due from there runs again (a resource recorded
 * PROVISIONED deploys again). With `end`, the resource is restored as STARTED and its end,
 * observed while no controller watched, is reported at once (FINISHED, or FAILED at `run`).
 */
export interface RestoredResource {
  /** Never NEW: a resource recorded NEW is simply created anew. */
  readonly state: ResourceState;
  readonly times: Partial<Record<ResourceState, number>>;
  readonly to?: ResourceState;
  readonly failedStep?: StepName;
  readonly error?: unknown;
  readonly end?: { readonly ok: boolean; readonly error?: unknown };
}

/** The context of {@link resourceMachine}: its input plus the state, when each state was entered, and the failure if any. */
export interface ResourceContext extends ResourceInput {
  state: ResourceState;
  times: Partial<Record<ResourceState, number>>;
  error?: unknown;
  failedStep?: StepName;
  /** The runtime attribute changes applied, in order; absent until the first. */
  changes?: readonly AttributeChangeRecord[];
  /** How many `set` steps were spawned (their ids: `set.1`, `set.2`...); absent until the first. */
  sets?: number;
}

/** The events {@link resourceMachine} accepts: the actions, and the controller's and steps' messages. */
export type ResourceEvent =
  | { type: 'DEPLOY' }
  | { type: 'START' }
  | { type: 'STOP' }
  | { type: 'RELEASE' }
  /** While STARTED: give runtime attribute `name` the value `value` (checked already) through the `set` step. */
  | { type: 'SET'; name: string; value: unknown }
  /**
   * Fail for a reason outside the resource: before READY, its dependency failed; at READY or
   * STARTED, a condition on its START or STOP timed out (`onTimeout: fail`).
   */
  | { type: 'FAIL'; error: unknown }
  /** Resume: from NEW, wait in `restoring` as the run directory recorded it (see RestoredResource). */
  | { type: 'RESTORE'; restore: RestoredResource }
  /** Resume: leave `restoring` for the restored state (see RestoredResource). */
  | { type: 'RESUME' }
  /**
   * Stop moving forward: a release was ordered but must wait (for dependents to be released).
   * A step in progress is cancelled; the resource stays in its last lifecycle state.
   */
  | { type: 'HALT' };

/** The report of one state change, sent to the controller. */
export interface ResourceStateEvent {
  type: 'resource.state';
  guid: string;
  from: ResourceState;
  to: ResourceState;
  time: number;
  step?: StepName;
  error?: unknown;
}

/** A change applied, sent to the controller (and emitted). */
export interface ResourceChangedEvent {
  type: 'resource.changed';
  guid: string;
  name: string;
  value: unknown;
  previous: unknown;
  time: number;
}

/** Placeholder step: a type that runs a step must provide its logic. */
const missingStep = fromPromise<void, StepInput>(async ({ input }) => {
  throw new Error(`resource '${input.guid}' has no logic for step '${input.step}'`);
});

const stepInput =
  (step: StepName) =>
  ({ context }: { context: ResourceContext }): StepInput => ({ guid: context.guid, step, handle: context.handle });

/**
 * Into FAILED, recording `step` and the error: the one an invoked step rejected with
 * (`event.error`), or the one a FAIL event carries.
 */
const failed = (step: StepName) => ({
  target: '#resource.FAILED' as const,
  actions: {
    type: 'recordFailure' as const,
    params: ({ event }: { event: { type: string; error?: unknown } }) => ({ step, error: event.error }),
  },
});

const has = (step: StepName) => ({ type: 'has' as const, params: { step } });

/** The resource machine: one resource's lifecycle, NEW to RELEASED, each step run as an invoked actor that a backend supplies with `.provide()`. No I/O. */
export const resourceMachine = setup({
  types: {
    context: {} as ResourceContext,
    input: {} as ResourceInput,
    events: {} as ResourceEvent,
    emitted: {} as ResourceStateEvent | ResourceChangedEvent,
    tags: {} as 'busy',
  },
  actors: {
    discover: missingStep,
    provision: missingStep,
    deploy: missingStep,
    start: missingStep,
    run: missingStep,
    stop: missingStep,
    release: missingStep,
    set: fromPromise<AttributeChange, StepInput>(async ({ input }) => {
      throw new Error(`resource '${input.guid}' has no logic for step 'set'`);
    }),
  },
  guards: {
    has: ({ context }, { step }: { step: StepName }) => context.plan(step),
    restored: ({ context }) => context.restore !== undefined,
    resumesIn: ({ context }, { state }: { state: ResourceState }) => context.restore !== undefined && (context.restore.to ?? context.restore.state) === state,
    endedAway: ({ context }, { ok }: { ok: boolean }) => context.restore?.end?.ok === ok,
  },
  actions: {
    recordFailure: assign((_, { step, error }: { step: StepName; error: unknown }) => ({ failedStep: step, error })),
    adoptRestore: assign(({ event }) => {
      if (event.type !== 'RESTORE') return {};
      const { restore } = event;
      return {
        restore,
        state: restore.state,
        times: { ...restore.times },
        ...(restore.failedStep !== undefined ? { failedStep: restore.failedStep, error: restore.error } : {}),
      };
    }),
    spawnSet: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'SET') return;
      const sets = (context.sets ?? 0) + 1;
      enqueue.assign({ sets });
      const input: StepInput = { guid: context.guid, step: 'set', handle: context.handle, change: { name: event.name, value: event.value } };
      enqueue.spawnChild('set', { id: `set.${sets}`, input });
    }),
    recordChange: enqueueActions(({ context, event, enqueue, self }) => {
      const { output: change, actorId } = event as unknown as { output?: AttributeChange; actorId: string };
      // a spawned child stays among the children until stopped
      enqueue.stopChild(actorId);
      if (!change) return;
      const time = context.now();
      enqueue.assign({ changes: [...(context.changes ?? []), { ...change, time }] });
      const report: ResourceChangedEvent = { type: 'resource.changed', guid: context.guid, ...change, time };
      enqueue.emit(report);
      if (self._parent) enqueue.sendParent(report);
    }),
    dropSet: enqueueActions(({ event, enqueue }) => enqueue.stopChild((event as unknown as { actorId: string }).actorId)),
    recordAwayFailure: assign(({ context }) => ({
      failedStep: 'run' as const,
      error: context.restore?.end?.error ?? new Error('it ended while no controller watched it'),
    })),
    enter: enqueueActions(({ context, enqueue, self }, { state }: { state: ResourceState }) => {
      if (state === context.state) return; // resumed into the state recorded before the crash
      const time = context.now();
      const from = context.state;
      enqueue.assign({
        state,
        times: context.times[state] === undefined ? { ...context.times, [state]: time } : context.times,
      });
      const report: ResourceStateEvent = { type: 'resource.state', guid: context.guid, from, to: state, time };
      if (state === 'FAILED' || (state === 'RELEASED' && context.failedStep === 'release')) {
        // a failure always names its step; a step that rejected with nothing still failed
        report.step = context.failedStep ?? 'deploy';
        report.error = context.error ?? new Error(`step '${report.step}' failed without a reason`);
      }
      enqueue.emit(report);
      if (self._parent) enqueue.sendParent(report);
    }),
  },
}).createMachine({
  id: 'resource',
  context: ({ input }) =>
    input.restore
      ? {
          ...input,
          state: input.restore.state,
          times: { ...input.restore.times },
          ...(input.restore.failedStep !== undefined ? { failedStep: input.restore.failedStep, error: input.restore.error } : {}),
        }
      : { ...input, state: 'NEW', times: { NEW: input.now() } },
  initial: 'NEW',
  on: {
    RELEASE: [{ guard: has('release'), target: '.releasing' }, { target: '.RELEASED' }],
    // a `set` step that ends after STARTED was left: its change is kept; its failure no longer matters
    'xstate.done.actor.set.*': { actions: 'recordChange' },
    'xstate.error.actor.set.*': { actions: 'dropSet' },
  },
  states: {
    NEW: {
      always: { guard: 'restored', target: 'restoring' },
      on: {
        RESTORE: { target: 'restoring', actions: 'adoptRestore' },
        DEPLOY: [{ guard: has('discover'), target: 'discovering' }, { target: 'DISCOVERED' }],
        FAIL: failed('deploy'),
        HALT: 'halted',
      },
    },
    discovering: {
      tags: 'busy',
      on: { FAIL: failed('discover'), HALT: 'halted' },
      invoke: { src: 'discover', input: stepInput('discover'), onDone: 'DISCOVERED', onError: failed('discover') },
    },
    DISCOVERED: {
      entry: { type: 'enter', params: { state: 'DISCOVERED' } },
      always: [{ guard: has('provision'), target: 'provisioning' }, { target: 'PROVISIONED' }],
    },
    provisioning: {
      tags: 'busy',
      on: { FAIL: failed('provision'), HALT: 'halted' },
      invoke: { src: 'provision', input: stepInput('provision'), onDone: 'PROVISIONED', onError: failed('provision') },
    },
    PROVISIONED: {
      entry: { type: 'enter', params: { state: 'PROVISIONED' } },
      always: [{ guard: has('deploy'), target: 'deploying' }, { target: 'READY' }],
    },
    deploying: {
      tags: 'busy',
      on: { FAIL: failed('deploy'), HALT: 'halted' },
      invoke: { src: 'deploy', input: stepInput('deploy'), onDone: 'READY', onError: failed('deploy') },
    },
    READY: {
      entry: { type: 'enter', params: { state: 'READY' } },
      // FAIL: its START condition timed out (onTimeout: fail)
      on: { START: [{ guard: has('start'), target: 'starting' }, { target: 'STARTED' }], HALT: 'halted', FAIL: failed('start') },
    },
    starting: {
      tags: 'busy',
      on: { HALT: 'halted' },
      invoke: { src: 'start', input: stepInput('start'), onDone: 'STARTED', onError: failed('start') },
    },
    STARTED: {
      entry: { type: 'enter', params: { state: 'STARTED' } },
      initial: 'idle',
      states: {
        idle: {
          always: [
            { guard: { type: 'endedAway', params: { ok: true } }, target: '#resource.FINISHED' },
            { guard: { type: 'endedAway', params: { ok: false } }, target: '#resource.FAILED', actions: 'recordAwayFailure' },
            { guard: has('run'), target: 'running' },
          ],
        },
        running: {
          tags: 'busy',
          invoke: { src: 'run', input: stepInput('run'), onDone: '#resource.FINISHED', onError: failed('run') },
        },
      },
      // FAIL: its STOP condition timed out (onTimeout: fail)
      on: {
        STOP: [{ guard: has('stop'), target: 'stopping' }, { target: 'STOPPED' }],
        HALT: 'halted',
        FAIL: failed('stop'),
        SET: { actions: 'spawnSet' },
        'xstate.error.actor.set.*': { ...failed('set'), actions: [failed('set').actions, 'dropSet'] },
      },
    },
    stopping: {
      tags: 'busy',
      on: { HALT: 'halted' },
      invoke: { src: 'stop', input: stepInput('stop'), onDone: 'STOPPED', onError: failed('stop') },
    },
    // START again (a restart): the controller sends it only when the type allows it
    STOPPED: { entry: { type: 'enter', params: { state: 'STOPPED' } }, on: { START: [{ guard: has('start'), target: 'starting' }, { target: 'STARTED' }] } },
    FINISHED: { entry: { type: 'enter', params: { state: 'FINISHED' } } },
    FAILED: { entry: { type: 'enter', params: { state: 'FAILED' } } },
    /** Resumed from a run directory, waiting for RESUME; `context.state` is the state recorded. */
    restoring: {
      tags: 'busy',
      on: {
        RESUME: (['DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'STOPPED', 'FINISHED', 'FAILED', 'RELEASED'] as const).map((state) => ({
          guard: { type: 'resumesIn' as const, params: { state } },
          target: state,
        })),
      },
    },
    /** Halted on the way, waiting for RELEASE; `context.state` is the last state reached. */
    halted: {},
    releasing: {
      tags: 'busy',
      on: { RELEASE: {} },
      invoke: {
        src: 'release',
        input: stepInput('release'),
        onDone: 'RELEASED',
        onError: { ...failed('release'), target: 'RELEASED' },
      },
    },
    RELEASED: { type: 'final', entry: { type: 'enter', params: { state: 'RELEASED' } } },
  },
});

/** The type of {@link resourceMachine}. */
export type ResourceMachine = typeof resourceMachine;
/** A running {@link resourceMachine}. */
export type ResourceActor = ActorRefFrom<ResourceMachine>;
/** A snapshot of a {@link resourceMachine} actor. */
export type ResourceSnapshot = SnapshotFrom<ResourceMachine>;
