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
 */
import { assign, enqueueActions, fromPromise, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { ResourceState, StepName, StepPlan } from './lifecycle.js';

/** What a step actor receives as input. `handle` is opaque to the machine. */
export interface StepInput {
  readonly guid: string;
  readonly step: StepName;
  readonly handle: unknown;
}

export interface ResourceInput {
  readonly guid: string;
  readonly type: string;
  /** Which steps this resource runs; the others are skipped without an actor. */
  readonly plan: StepPlan;
  /** The clock's `now()`: the time stamped on every state entered. */
  readonly now: () => number;
  /** Whatever the backend needs to find this resource again; passed to every step. */
  readonly handle?: unknown;
}

export interface ResourceContext extends ResourceInput {
  state: ResourceState;
  times: Partial<Record<ResourceState, number>>;
  error?: unknown;
  failedStep?: StepName;
}

export type ResourceEvent =
  | { type: 'DEPLOY' }
  | { type: 'START' }
  | { type: 'STOP' }
  | { type: 'RELEASE' }
  /** Fail before READY for a reason outside the resource (its dependency failed). */
  | { type: 'FAIL'; error: unknown }
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

export const resourceMachine = setup({
  types: {
    context: {} as ResourceContext,
    input: {} as ResourceInput,
    events: {} as ResourceEvent,
    emitted: {} as ResourceStateEvent,
  },
  actors: {
    discover: missingStep,
    provision: missingStep,
    deploy: missingStep,
    start: missingStep,
    run: missingStep,
    stop: missingStep,
    release: missingStep,
  },
  guards: {
    has: ({ context }, { step }: { step: StepName }) => context.plan(step),
  },
  actions: {
    recordFailure: assign((_, { step, error }: { step: StepName; error: unknown }) => ({ failedStep: step, error })),
    enter: enqueueActions(({ context, enqueue, self }, { state }: { state: ResourceState }) => {
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
  context: ({ input }) => ({ ...input, state: 'NEW', times: { NEW: input.now() } }),
  initial: 'NEW',
  on: { RELEASE: [{ guard: has('release'), target: '.releasing' }, { target: '.RELEASED' }] },
  states: {
    NEW: {
      on: {
        DEPLOY: [{ guard: has('discover'), target: 'discovering' }, { target: 'DISCOVERED' }],
        FAIL: failed('deploy'),
        HALT: 'halted',
      },
    },
    discovering: {
      on: { FAIL: failed('discover'), HALT: 'halted' },
      invoke: { src: 'discover', input: stepInput('discover'), onDone: 'DISCOVERED', onError: failed('discover') },
    },
    DISCOVERED: {
      entry: { type: 'enter', params: { state: 'DISCOVERED' } },
      always: [{ guard: has('provision'), target: 'provisioning' }, { target: 'PROVISIONED' }],
    },
    provisioning: {
      on: { FAIL: failed('provision'), HALT: 'halted' },
      invoke: { src: 'provision', input: stepInput('provision'), onDone: 'PROVISIONED', onError: failed('provision') },
    },
    PROVISIONED: {
      entry: { type: 'enter', params: { state: 'PROVISIONED' } },
      always: [{ guard: has('deploy'), target: 'deploying' }, { target: 'READY' }],
    },
    deploying: {
      on: { FAIL: failed('deploy'), HALT: 'halted' },
      invoke: { src: 'deploy', input: stepInput('deploy'), onDone: 'READY', onError: failed('deploy') },
    },
    READY: {
      entry: { type: 'enter', params: { state: 'READY' } },
      on: { START: [{ guard: has('start'), target: 'starting' }, { target: 'STARTED' }], HALT: 'halted' },
    },
    starting: {
      on: { HALT: 'halted' },
      invoke: { src: 'start', input: stepInput('start'), onDone: 'STARTED', onError: failed('start') },
    },
    STARTED: {
      entry: { type: 'enter', params: { state: 'STARTED' } },
      initial: 'idle',
      states: {
        idle: { always: { guard: has('run'), target: 'running' } },
        running: {
          invoke: { src: 'run', input: stepInput('run'), onDone: '#resource.FINISHED', onError: failed('run') },
        },
      },
      on: { STOP: [{ guard: has('stop'), target: 'stopping' }, { target: 'STOPPED' }], HALT: 'halted' },
    },
    stopping: {
      on: { HALT: 'halted' },
      invoke: { src: 'stop', input: stepInput('stop'), onDone: 'STOPPED', onError: failed('stop') },
    },
    STOPPED: { entry: { type: 'enter', params: { state: 'STOPPED' } } },
    FINISHED: { entry: { type: 'enter', params: { state: 'FINISHED' } } },
    FAILED: { entry: { type: 'enter', params: { state: 'FAILED' } } },
    /** Halted on the way, waiting for RELEASE; `context.state` is the last state reached. */
    halted: {},
    releasing: {
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

export type ResourceMachine = typeof resourceMachine;
export type ResourceActor = ActorRefFrom<ResourceMachine>;
export type ResourceSnapshot = SnapshotFrom<ResourceMachine>;
