/**
 * The experiment controller as a machine: it adopts and starts every resource manager's
 * actor, tracks their states, runs deployment groups and turns conditions into delayed events.
 *
 * Conditions are re-evaluated only when a resource they wait on changes state (the
 * `ConditionIndex` finds them by member). A gate that opens with time still to wait becomes
 * a deadline: a number in a heap, not a timer. One delayed `deadline` event is armed for the
 * earliest of them at a time, and re-armed when an earlier one arrives or when it fired.
 * Deadlines being data is what lets a later controller resume them.
 *
 * Resource actors are created with this controller as their `parent` (by whoever embeds it,
 * see `resource.add`) and started here: they share the controller's system (clock,
 * inspection) and report to it with `sendParent`, but are not entries of its `children`
 * snapshot map, which XState copies on every spawn and stop (quadratic: see
 * docs/architecture.md).
 *
 * The controller does no I/O; its context holds mutable indexes that only its actions change.
 */
import { enqueueActions, setup, type ActorRefFrom, type AnyActorRef } from 'xstate';
import type { Clock } from './clock.js';
import { ConditionIndex, type ConditionTimeout, type Gate, type OnTimeout, type Watch } from './conditions/condition-index.js';
import { ConditionTimeoutError } from './conditions/condition-timeout-error.js';
import { MinHeap } from './heap.js';
import { STATE_ORDER, stateRank, type ConditionAction, type ResourceAction, type ResourceState, type StepName, type TryReport } from './lifecycle.js';
import type { ResourceChangedEvent, ResourceStateEvent, RestoredResource } from './resource.js';

/** The input of {@link controllerMachine}. */
export interface ControllerInput {
  readonly clock: Pick<Clock, 'now'>;
  /** Emit `condition` reports from the start, for one listener (default false; see `conditions.report`). */
  readonly reportConditions?: boolean;
}

/**
 * What happened to a user condition ("`action` of `guid` after all of `group` reached
 * `state`, + `delay` ms"): `held` when the group got there (`deadline` = when the delay
 * ends), `fired` when the action was released (the condition that was satisfied last).
 * `timeout` and `skipped` are reserved for condition timeouts.
 */
export type ConditionEventKind = 'held' | 'fired' | 'timeout' | 'skipped';

/** A `condition` report (emitted while someone listens): a condition held, its action fired, or its timeout expired. */
export interface ConditionEvent {
  type: 'condition';
  event: ConditionEventKind;
  guid: string;
  action: ConditionAction;
  /** For SET: the attribute and the value it takes. */
  attribute?: string;
  value?: unknown;
  group: readonly string[];
  state: ResourceState;
  delay: number;
  /** Clock time of the report: when the group reached the state (held), when the action went out (fired). */
  time: number;
  /** Clock time at which the condition's delay ends (`timeout`, `skipped`: when the timeout expired). */
  deadline: number;
  /** For `timeout` and `skipped`: the condition's timeout in ms. */
  timeout?: number;
}

/** A resource that failed: at which step, with what error, at what clock time, and whether it was critical. */
export interface Failure {
  readonly guid: string;
  readonly type: string;
  readonly step: StepName | undefined;
  readonly error: unknown;
  readonly time: number;
  readonly critical: boolean;
}

/** A run stopped early from outside (Ctrl-C, an abort signal), before what it waited for had ended. */
export interface Interruption {
  /** What interrupted it, as its user would name it: `SIGINT`, `an abort signal`. */
  readonly by: string;
  readonly time: number;
  /** The resources the run waited for that had not reached their end, with the state each was in. */
  readonly unfinished: ReadonlyArray<{ readonly guid: string; readonly state: ResourceState }>;
}

interface Deadline {
  readonly at: number;
  readonly seq: number;
  readonly gate: Gate;
  /** Set when this deadline is a condition's timeout rather than the gate's due time. */
  readonly timeout?: ConditionTimeout;
}

/** The context of {@link controllerMachine}. */
export interface ControllerContext {
  /** The clock's `now()`. */
  readonly now: () => number;
  readonly index: ConditionIndex;
  readonly actors: Map<string, AnyActorRef>;
  readonly types: Map<string, string>;
  readonly deadlines: MinHeap<Deadline>;
  readonly timer: { armedAt: number | undefined; seq: number };
  /** Gates due now, sent out in batches (see FIRE_BATCH); `pending` while a batch event is on its way. */
  readonly ready: { queue: Gate[]; head: number; pending: boolean };
  readonly failures: Failure[];
  /** `aborted`: a critical failure aborted the experiment; `interrupted`: someone stopped the run early. Both stay set after shutdown. */
  readonly outcome: { aborted: boolean; interrupted?: Interruption };
  /** Whether `condition` reports are emitted (someone records or listens). */
  /** Whether `condition` reports are emitted: while `listeners` (see `conditions.report`) is above 0. */
  readonly report: { conditions: boolean; listeners: number };
}

/** The events {@link controllerMachine} accepts: from the experiment controller and from its resource actors. */
export type ControllerEvent =
  | {
      type: 'resource.add';
      guid: string;
      resourceType: string;
      critical: boolean;
      /** The resource actor, created with this controller as its parent and not started yet. */
      actor: AnyActorRef;
    }
  | { type: 'resource.critical'; guid: string; critical: boolean }
  | { type: 'resource.depend'; dependent: string; dependency: string }
  /** A connection was removed before either end was deployed: the dependency it made goes. */
  | { type: 'resource.undepend'; dependent: string; dependency: string }
  /** `ec.unregisterCondition`: the guids of `group` leave `guid`'s conditions on `action` (all when absent). */
  | { type: 'condition.remove'; guid: string; group: readonly string[]; action?: ConditionAction }
  | {
      type: 'condition.add';
      targets: readonly string[];
      action: ConditionAction;
      /** For SET: the attribute and its value (checked already). */
      set?: { readonly name: string; readonly value: unknown };
      members: readonly string[];
      state: ResourceState;
      delay: number;
      /** Give up waiting after this many ms (see ConditionTimeout); 0 or absent: never. */
      timeout?: number;
      onTimeout?: OnTimeout;
    }
  | {
      type: 'deploy';
      guids: readonly string[];
      group: string;
      waitAllReady: boolean;
      autoStart: boolean;
      /** When the actions were requested (default: now); a resume passes the original time. */
      at?: number;
    }
  | { type: 'request'; guid: string; action: 'START' | 'STOP' }
  /** `ec.set` of a runtime attribute of a STARTED resource: its `set` step applies it now. */
  | { type: 'set'; guid: string; name: string; value: unknown }
  | ResourceChangedEvent
  | { type: 'release'; guids: readonly string[] }
  | {
      type: 'watch.add';
      members: readonly string[];
      state: ResourceState;
      strict: boolean;
      /** Called once, with the due time, when every member reached `state`. */
      listener: (dueAt: number) => void;
    }
  | { type: 'deadline' }
  | { type: 'gates.fire' }
  /** Someone starts (`on`) or stops listening to `condition` reports: they are emitted while anyone listens. */
  | { type: 'conditions.report'; on: boolean }
  /** A step's try failed, or succeeded after failures: emitted as `try`. */
  | { type: 'step.try'; report: TryReport }
  /** The run is stopped early (the first one counts); `unfinished` lists what it waited for that had not ended. Emitted as `interrupted`. */
  | { type: 'interrupt'; by: string; unfinished: readonly string[] }
  | RestoreEvent
  | { type: 'shutdown' }
  | ResourceStateEvent;

/** One state change a dead controller recorded, replayed by `restore`. */
export interface RecordedStateChange {
  readonly guid: string;
  readonly to: ResourceState;
  readonly time: number;
  /** Set on a failure: the step that failed, and why. */
  readonly step?: StepName;
  readonly error?: unknown;
}

/**
 * Resume a run whose controller died, from what its run directory recorded: each resource of
 * `resources` waits, silent, in its recorded state (RESTORE); the recorded state changes are
 * replayed into the condition index with their original times (nothing is reported again,
 * and the actions they show taken are not taken again); then the resources go on (RESUME)
 * and every resource is deployed again as one group, requested at `at` (the time of the
 * first record), so pending delays and condition timeouts end when they would have. A
 * replayed critical failure aborts instead: everything is released, nothing resumes.
 */
export interface RestoreEvent {
  type: 'restore';
  resources: ReadonlyArray<{ readonly guid: string; readonly restore: RestoredResource }>;
  events: readonly RecordedStateChange[];
  /** Emitted as `resumed` before anything else (the run directory's resume record). */
  marker: object;
  group: string;
  at: number;
}

/** Emitted for whoever embeds the controller (waits, event log, live views). */
export type ControllerEmitted =
  | ResourceStateEvent
  | ResourceChangedEvent
  | ConditionEvent
  /** `deploy` was taken: the first one starts the run's records. */
  | { type: 'deployed'; guids: readonly string[]; group: string }
  | { type: 'try'; report: TryReport }
  | { type: 'resumed'; marker: object }
  | { type: 'failure'; failure: Failure }
  | { type: 'aborted'; failures: readonly Failure[] }
  | { type: 'interrupted'; interruption: Interruption };

const STOPPED_RANK = stateRank('STOPPED');

/** The part of `enqueueActions`' enqueuer that dispatching uses. */
interface Enqueue {
  sendTo(
    actor: AnyActorRef,
    event:
      | { type: ResourceAction }
      | { type: 'SET'; name: string; value: unknown }
      | { type: 'FAIL'; error: unknown }
      | { type: 'HALT' }
      | { type: 'gates.fire' },
  ): void;
  cancel(id: string): void;
  raise(event: { type: 'deadline' }, options: { id: string; delay: number }): void;
  emit(event: ConditionEvent): void;
}

/**
 * How many actions one transition sends at most. XState runs a transition's sends from an
 * array it shifts one by one, so 100,000 sends in one transition cost quadratic time; due
 * gates queue up and go out in batches, each batch its own `gates.fire` event.
 */
const FIRE_BATCH = 512;

/** Queue the opened gates that are due, make the others deadlines, re-arm the timer. */
function dispatch(context: ControllerContext, enqueue: Enqueue, self: AnyActorRef, opened: readonly Gate[]): void {
  reportHeld(context, enqueue);
  const now = context.now();
  const started = context.index.startedTimeouts;
  if (started.length > 0) {
    for (const ct of started) {
      context.deadlines.push({ at: (ct.startedAt ?? now) + ct.timeout, seq: context.timer.seq++, gate: ct.gate, timeout: ct });
    }
    started.length = 0;
  }
  for (const gate of opened) {
    if (gate.readyAt <= now) context.ready.queue.push(gate);
    else context.deadlines.push({ at: gate.readyAt, seq: context.timer.seq++, gate });
  }
  arm(context, enqueue, now);
  fireSome(context, enqueue, self);
}

/** Send the actions of up to FIRE_BATCH queued gates; schedule another batch for the rest. */
function fireSome(context: ControllerContext, enqueue: Enqueue, self: AnyActorRef): void {
  const ready = context.ready;
  if (ready.pending) return;
  const end = Math.min(ready.queue.length, ready.head + FIRE_BATCH);
  for (; ready.head < end; ready.head++) fire(context, enqueue, ready.queue[ready.head]!);
  if (ready.head < ready.queue.length) {
    ready.pending = true;
    enqueue.sendTo(self, { type: 'gates.fire' });
  } else {
    ready.queue.length = 0;
    ready.head = 0;
  }
}

function fire(context: ControllerContext, enqueue: Enqueue, gate: Gate): void {
  if (gate.status !== 'scheduled') return;
  gate.status = 'fired';
  if (context.report.conditions) reportFired(context, enqueue, gate);
  const actor = context.actors.get(gate.guid);
  if (!actor) return;
  if (gate.set) enqueue.sendTo(actor, { type: 'SET', name: gate.set.name, value: gate.set.value });
  else enqueue.sendTo(actor, { type: gate.action as ResourceAction });
}

function conditionEvent(event: ConditionEventKind, gate: Gate, w: Watch, time: number): ConditionEvent {
  const deadline = w.reachedAt + w.delay;
  const set = gate.set ? { attribute: gate.set.name, value: gate.set.value } : {};
  return { type: 'condition', event, guid: gate.guid, action: gate.action, ...set, group: w.members, state: w.state, delay: w.delay, time, deadline };
}

/** Report the user conditions that started to hold since the last report (collected by the index). */
function reportHeld(context: ControllerContext, enqueue: Enqueue): void {
  const held = context.index.held;
  if (held.length === 0) return;
  for (const { watch, gates } of held) {
    for (const gate of gates) {
      if (gate.status !== 'cancelled') enqueue.emit(conditionEvent('held', gate, watch, watch.reachedAt));
    }
  }
  held.length = 0;
}

/** Report a gate with user conditions going out, naming the condition satisfied last. */
function reportFired(context: ControllerContext, enqueue: Enqueue, gate: Gate): void {
  let last: Watch | undefined;
  for (const w of gate.conditions) {
    if (w.kind === 'condition' && (last === undefined || w.reachedAt + w.delay >= last.reachedAt + last.delay)) last = w;
  }
  if (last) enqueue.emit(conditionEvent('fired', gate, last, context.now()));
}

/**
 * A condition's timeout expired: with `skip` the condition is dropped (its gate may open,
 * into `due`), with `fail` the action is cancelled and the resource fails. Reported as a
 * `skipped` or `timeout` condition event (always: a timeout is rare and worth recording).
 */
function expireCondition(context: ControllerContext, enqueue: Enqueue, ct: ConditionTimeout, now: number, due: Gate[]): void {
  const result = context.index.expire(ct);
  if (!result) return;
  const { gate, watch } = ct;
  enqueue.emit({ ...conditionEvent(result.outcome, gate, watch, now), deadline: now, timeout: ct.timeout });
  due.push(...result.opened);
  if (result.outcome === 'skipped') return;
  const waiting = watch.members.filter((guid) => context.index.reachedAt(guid, watch.rank, watch.strict) === undefined);
  const error = new ConditionTimeoutError(gate.guid, gate.action, waiting, watch.state, ct.timeout);
  const actor = context.actors.get(gate.guid);
  if (actor) enqueue.sendTo(actor, { type: 'FAIL', error });
}

/** Fail `guid` before it deploys: `dependency` failed (or is released) and it cannot run without it. */
function failForDependency(context: ControllerContext, enqueue: Enqueue, guid: string, dependency: string, cause: unknown): void {
  const actor = context.actors.get(guid);
  const how = context.index.get(dependency).rank === stateRank('RELEASED') ? 'was released' : 'failed';
  const error = new Error(`its dependency '${dependency}' (${context.types.get(dependency)}) ${how}`, { cause });
  if (actor) enqueue.sendTo(actor, { type: 'FAIL', error });
}

/** Order releases; what must wait for its dependents halts meanwhile (no step goes on). */
function release(context: ControllerContext, enqueue: Enqueue, self: AnyActorRef, guids: readonly string[]): void {
  const { opened, waiting } = context.index.release(guids);
  for (const guid of waiting) {
    const actor = context.actors.get(guid);
    if (actor) enqueue.sendTo(actor, { type: 'HALT' });
  }
  dispatch(context, enqueue, self, opened);
}

/** Whether the changes a restore replays hold a critical failure: the run was aborted before it died. */
function restoresAbort(context: ControllerContext, event: RestoreEvent): boolean {
  return event.events.some((change) => change.to === 'FAILED' && context.index.resources.get(change.guid)?.critical === true);
}

function arm(context: ControllerContext, enqueue: Enqueue, now: number): void {
  const next = context.deadlines.peek();
  if (next?.at === context.timer.armedAt) return;
  if (context.timer.armedAt !== undefined) enqueue.cancel('deadline');
  context.timer.armedAt = next?.at;
  if (next) enqueue.raise({ type: 'deadline' }, { id: 'deadline', delay: Math.max(0, next.at - now) });
}

/** The controller machine: it owns the resource actors, routes their reports into the {@link ConditionIndex} and sends each action when its conditions hold. No I/O. */
export const controllerMachine = setup({
  types: {
    context: {} as ControllerContext,
    input: {} as ControllerInput,
    events: {} as ControllerEvent,
    emitted: {} as ControllerEmitted,
  },
  guards: {
    isCriticalFailure: ({ context, event }) => event.type === 'resource.state' && event.to === 'FAILED' && context.index.get(event.guid).critical,
    restoresAbort: ({ context, event }) => event.type === 'restore' && restoresAbort(context, event),
  },
  actions: {
    adoptResource: ({ context, event }) => {
      if (event.type !== 'resource.add') return;
      context.index.add(event.guid, event.critical);
      context.types.set(event.guid, event.resourceType);
      context.actors.set(event.guid, event.actor);
      event.actor.start();
    },
    setCritical: ({ context, event }) => {
      if (event.type === 'resource.critical') context.index.get(event.guid).critical = event.critical;
    },
    addDependency: ({ context, event }) => {
      if (event.type === 'resource.depend') context.index.addDependency(event.dependent, event.dependency);
    },
    removeDependency: ({ context, event }) => {
      if (event.type === 'resource.undepend') context.index.removeDependency(event.dependent, event.dependency);
    },
    removeCondition: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'condition.remove') return;
      const { opened } = context.index.unregister(event.guid, event.group, event.action);
      if (opened.length > 0 || context.index.startedTimeouts.length > 0) dispatch(context, enqueue, self, opened);
    }),
    addCondition: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'condition.add') return;
      const { index } = context;
      const w = index.watch(event.members, event.state, { kind: 'condition', delay: event.delay });
      const timeout = event.timeout ? { timeout: event.timeout, onTimeout: event.onTimeout ?? 'fail' } : undefined;
      const set = event.set;
      const gates = event.targets.map((guid) => (set ? index.addSet(guid, set.name, set.value) : index.gate(guid, event.action as ResourceAction)));
      for (const gate of gates) index.attachTo(w, gate, timeout);
      if (context.report.conditions && w.satisfied) {
        // held from the start: the index saw it before any gate was attached
        index.held.length = 0;
        for (const gate of gates) enqueue.emit(conditionEvent('held', gate, w, w.reachedAt));
      }
      // deployed resources with STOP conditions stop on their own, as at deploy; a SET on one is asked for at once
      const opened: Gate[] = [];
      for (const gate of gates) {
        if (!index.get(gate.guid).deployed) continue;
        if (gate.set) opened.push(...index.requestGate(gate, context.now()));
        else if (gate.action === 'STOP') opened.push(...index.request(gate.guid, 'STOP', context.now()));
      }
      // a condition added to an action already requested: its timeout starts now
      if (opened.length > 0 || context.index.startedTimeouts.length > 0) dispatch(context, enqueue, self, opened);
    }),
    setReport: ({ context, event }) => {
      if (event.type !== 'conditions.report') return;
      context.report.listeners = Math.max(0, context.report.listeners + (event.on ? 1 : -1));
      const on = context.report.listeners > 0;
      context.report.conditions = on;
      context.index.reportHeld = on;
      if (!on) context.index.held.length = 0;
    },
    addWatch: ({ context, event }) => {
      if (event.type !== 'watch.add') return;
      context.index.watch(event.members, event.state, { kind: 'wait', strict: event.strict, listener: event.listener });
    },
    deploy: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'deploy') return;
      enqueue.emit({ type: 'deployed', guids: event.guids, group: event.group });
      const { opened, doomed } = context.index.deploy(event.guids, { ...event, at: event.at ?? context.now() });
      for (const { guid, dependency } of doomed) failForDependency(context, enqueue, guid, dependency, undefined);
      dispatch(context, enqueue, self, opened);
    }),
    request: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'request') return;
      const { index } = context;
      // START on a STOPPED resource (the facade checked that its type allows it): a restart
      const restart = event.action === 'START' && index.get(event.guid).rank === STOPPED_RANK;
      dispatch(context, enqueue, self, restart ? index.restart(event.guid, { at: context.now() }) : index.request(event.guid, event.action, context.now()));
    }),
    set: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'set') return;
      const actor = context.actors.get(event.guid);
      if (actor) enqueue.sendTo(actor, { type: 'SET', name: event.name, value: event.value });
    }),
    reportChange: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'resource.changed') enqueue.emit(event);
    }),
    release: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'release') return;
      release(context, enqueue, self, event.guids);
    }),
    releaseAll: enqueueActions(({ context, enqueue, self }) => {
      release(context, enqueue, self, [...context.index.resources.keys()]);
    }),
    recordState: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'resource.state') return;
      const opened = context.index.recordState(event.guid, event.to, event.time);
      enqueue.emit(event);
      if (event.to === 'FAILED' && !context.index.get(event.guid).critical) {
        // dependents not deployed yet can never deploy on a failed resource: they fail too
        for (const dependent of context.index.strandedDependents(event.guid)) {
          failForDependency(context, enqueue, dependent, event.guid, event.error);
        }
      }
      if (event.step !== undefined) {
        const failure: Failure = {
          guid: event.guid,
          type: context.types.get(event.guid) ?? 'unknown',
          step: event.step,
          error: event.error,
          time: event.time,
          critical: context.index.get(event.guid).critical,
        };
        context.failures.push(failure);
        enqueue.emit({ type: 'failure', failure });
      }
      dispatch(context, enqueue, self, opened);
    }),
    reportTry: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'step.try') enqueue.emit({ type: 'try', report: event.report });
    }),
    restore: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'restore') return;
      enqueue.emit({ type: 'resumed', marker: event.marker });
      for (const { guid, restore } of event.resources) {
        const actor = context.actors.get(guid);
        if (actor) enqueue.sendTo(actor, { type: 'RESTORE', restore });
      }
      // replayed, not reported: the run directory has it already
      const reportHeld = context.index.reportHeld;
      context.index.reportHeld = false;
      for (const change of event.events) {
        // a restart recorded: STARTED again after STOPPED
        if (change.to === 'STARTED' && context.index.get(change.guid).rank === STOPPED_RANK) context.index.restart(change.guid, { request: false });
        context.index.recordState(change.guid, change.to, change.time);
        context.index.markTaken(change.guid);
        if (change.step !== undefined) {
          context.failures.push({
            guid: change.guid,
            type: context.types.get(change.guid) ?? 'unknown',
            step: change.step,
            error: change.error,
            time: change.time,
            critical: context.index.get(change.guid).critical,
          });
        }
      }
      context.index.reportHeld = reportHeld;
      context.index.held.length = 0;
      // aborted: the transition goes to `aborted`, which releases everything; nothing resumes
      if (restoresAbort(context, event)) return;
      for (const { guid } of event.resources) {
        const actor = context.actors.get(guid);
        if (actor) enqueue.sendTo(actor, { type: 'RESUME' });
      }
      const guids = [...context.index.resources.keys()];
      const { opened, doomed } = context.index.deploy(guids, { group: event.group, waitAllReady: true, autoStart: true, at: event.at });
      for (const { guid, dependency } of doomed) failForDependency(context, enqueue, guid, dependency, undefined);
      dispatch(context, enqueue, self, opened);
    }),
    fireDeadlines: enqueueActions(({ context, enqueue, self }) => {
      const now = context.now();
      context.timer.armedAt = undefined;
      const due: Gate[] = [];
      for (let next = context.deadlines.peek(); next && next.at <= now; next = context.deadlines.peek()) {
        context.deadlines.pop();
        if (next.timeout) expireCondition(context, enqueue, next.timeout, now, due);
        else due.push(next.gate);
      }
      dispatch(context, enqueue, self, due);
    }),
    fireBatch: enqueueActions(({ context, enqueue, self }) => {
      context.ready.pending = false;
      fireSome(context, enqueue, self);
    }),
    recordInterrupt: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'interrupt' || context.outcome.interrupted) return;
      const unfinished = event.unfinished.flatMap((guid) => {
        const entry = context.index.resources.get(guid);
        return entry ? [{ guid, state: STATE_ORDER[entry.rank]! }] : [];
      });
      const interruption: Interruption = { by: event.by, time: context.now(), unfinished };
      context.outcome.interrupted = interruption;
      enqueue.emit({ type: 'interrupted', interruption });
    }),
    announceAbort: enqueueActions(({ context, enqueue }) => {
      context.outcome.aborted = true;
      enqueue.emit({ type: 'aborted', failures: [...context.failures] });
    }),
    stopResources: enqueueActions(({ context, enqueue }) => {
      for (const actor of context.actors.values()) enqueue.stopChild(actor);
      context.deadlines.clear();
    }),
  },
}).createMachine({
  id: 'controller',
  context: ({ input }) => ({
    now: () => input.clock.now(),
    index: Object.assign(new ConditionIndex(), { reportHeld: input.reportConditions ?? false }),
    actors: new Map(),
    types: new Map(),
    deadlines: new MinHeap<Deadline>(),
    timer: { armedAt: undefined, seq: 0 },
    ready: { queue: [], head: 0, pending: false },
    failures: [],
    outcome: { aborted: false },
    report: { conditions: input.reportConditions ?? false, listeners: input.reportConditions ? 1 : 0 },
  }),
  initial: 'running',
  on: {
    'resource.state': [{ guard: 'isCriticalFailure', target: '.aborted', actions: 'recordState' }, { actions: 'recordState' }],
    'resource.critical': { actions: 'setCritical' },
    release: { actions: 'release' },
    'watch.add': { actions: 'addWatch' },
    deadline: { actions: 'fireDeadlines' },
    'gates.fire': { actions: 'fireBatch' },
    'conditions.report': { actions: 'setReport' },
    'step.try': { actions: 'reportTry' },
    'resource.changed': { actions: 'reportChange' },
    shutdown: { target: '.released' },
  },
  states: {
    running: {
      on: {
        'resource.add': { actions: 'adoptResource' },
        'resource.depend': { actions: 'addDependency' },
        'resource.undepend': { actions: 'removeDependency' },
        'condition.remove': { actions: 'removeCondition' },
        'condition.add': { actions: 'addCondition' },
        deploy: { actions: 'deploy' },
        request: { actions: 'request' },
        set: { actions: 'set' },
        restore: [{ guard: 'restoresAbort', target: 'aborted', actions: 'restore' }, { actions: 'restore' }],
        interrupt: { actions: 'recordInterrupt' },
      },
    },
    aborted: {
      entry: ['announceAbort', 'releaseAll'],
      on: { 'resource.state': { actions: 'recordState' } },
    },
    released: { type: 'final', entry: 'stopResources' },
  },
});

/** The type of {@link controllerMachine}. */
export type ControllerMachine = typeof controllerMachine;
/** A running {@link controllerMachine}. */
export type ControllerActor = ActorRefFrom<ControllerMachine>;
