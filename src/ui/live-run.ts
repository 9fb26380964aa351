/**
 * What the live view shows of a running experiment, kept up to date from the controller's
 * events (state changes, condition records, failures): the resources with their state and
 * since when, the connections, the conditions and how far they got, the failures and the
 * timeline. A page that connects gets the whole picture (`snapshot`), then each change.
 */
import type { ConditionEvent, Failure } from '../../machines/controller.js';
import { STATE_ORDER, type ConditionAction, type ResourceState } from '../../machines/lifecycle.js';
import type { ResourceStateEvent } from '../../machines/resource.js';
import { describeCause } from '../errors.js';
import type { ExperimentController, ExperimentStatus } from '../experiment/experiment-controller.js';
import { summariseFailure, type FailureSummary, type RunSummary } from '../run/summary.js';
import { parseDuration } from '../time/duration.js';
import { layoutLiveGraph, type LiveGraph, type NoLiveGraph } from './live-graph.js';

export interface LiveResource {
  readonly guid: string;
  readonly type: string;
  state: ResourceState;
  /** Clock time at which it entered `state`. */
  since: number;
  error?: string;
  step?: string;
}

export type ConditionStatus = 'waiting' | 'held' | 'fired' | 'timeout' | 'skipped';

export interface LiveCondition {
  readonly id: number;
  readonly guid: string;
  readonly action: ConditionAction;
  readonly group: readonly string[];
  readonly state: ResourceState;
  readonly delay: number;
  status: ConditionStatus;
  /** When its group reached the state, and when its delay ends (once held). */
  heldAt?: number;
  deadline?: number;
  firedAt?: number;
}

/** A failure as the summary reports it: the cause as text. */
export type LiveFailure = FailureSummary;

export type TimelineEntry =
  | { readonly kind: 'state'; readonly time: number; readonly guid: string; readonly from: ResourceState; readonly to: ResourceState; readonly error?: string }
  | {
      readonly kind: 'condition';
      readonly time: number;
      readonly guid: string;
      readonly action: ConditionAction;
      readonly event: ConditionStatus;
      readonly group: readonly string[];
    };

export interface LiveSnapshot {
  readonly expId: string;
  readonly runId: string;
  readonly runDir: string;
  /** Clock time of the first state change seen (or of the view's creation). */
  readonly start: number;
  /** Clock time now; once the run has ended, the time it ended (a page opened later shows the run's own times). */
  readonly now: number;
  readonly status: ExperimentStatus;
  readonly ended: boolean;
  /** The lifecycle states in order (a condition's member has reached its state when it is at or past it). */
  readonly order: readonly ResourceState[];
  readonly resources: readonly LiveResource[];
  readonly connections: readonly (readonly [string, string])[];
  /** Where the page draws each box and edge (laid out once by Graphviz), or why there is no graph. */
  readonly graph: LiveGraph | NoLiveGraph;
  readonly conditions: readonly LiveCondition[];
  readonly failures: readonly LiveFailure[];
  readonly timeline: readonly TimelineEntry[];
}

/** One change, as sent to pages: `now` is the experiment clock when it was sent. */
export type LiveMessage =
  | { readonly type: 'state'; readonly now: number; readonly resource: LiveResource; readonly entry: TimelineEntry }
  /** `entry` is absent for conditions released by the same record as another (one timeline entry for all). */
  | { readonly type: 'condition'; readonly now: number; readonly condition: LiveCondition; readonly entry?: TimelineEntry }
  | { readonly type: 'failure'; readonly now: number; readonly failure: LiveFailure }
  | { readonly type: 'end'; readonly now: number; readonly status: LiveSnapshot['status'] };

export class LiveRun {
  readonly #ec: ExperimentController;
  readonly #resources = new Map<string, LiveResource>();
  readonly #connections: [string, string][] = [];
  readonly #conditions: LiveCondition[] = [];
  /** Conditions not fired yet, by `guid action group state delay`. */
  readonly #open = new Map<string, LiveCondition[]>();
  /** Conditions not fired yet, by `guid action`: one `fired` record releases all of them. */
  readonly #openByAction = new Map<string, LiveCondition[]>();
  readonly #failures: LiveFailure[] = [];
  readonly #timeline: TimelineEntry[] = [];
  readonly #listeners = new Set<(message: LiveMessage) => void>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #start: number;
  readonly #dependsOn = new Map<string, readonly string[]>();
  #graph: LiveGraph | NoLiveGraph = { drawn: false, reason: 'the graph is being laid out' };
  #ended = false;
  #endedAt = 0;
  #status: LiveSnapshot['status'] = 'running';

  constructor(ec: ExperimentController) {
    this.#ec = ec;
    this.#start = ec.clock.now();
    const description = ec.describe();
    const index = ec.actor.getSnapshot().context.index;
    for (const [guid, resource] of Object.entries(description.resources)) {
      const info = ec.getResource(guid);
      const times = Object.values(info.times).filter((t): t is number => t !== undefined);
      this.#resources.set(guid, {
        guid,
        type: resource.type,
        state: info.state,
        since: times.length > 0 ? Math.max(...times) : this.#start,
      });
      this.#dependsOn.set(guid, index.resources.get(guid)?.dependsOn ?? []);
      for (const other of resource.connect ?? []) this.#connections.push([other, guid]);
      for (const condition of resource.conditions ?? []) {
        const live: LiveCondition = {
          id: this.#conditions.length,
          guid,
          action: condition.action,
          group: condition.group,
          state: condition.state,
          delay: parseDuration(condition.time ?? 0),
          status: 'waiting',
        };
        this.#conditions.push(live);
        const key = conditionKey(live);
        this.#open.set(key, [...(this.#open.get(key) ?? []), live]);
        const action = actionKey(live);
        this.#openByAction.set(action, [...(this.#openByAction.get(action) ?? []), live]);
      }
    }
    for (const failure of ec.failures) this.#failures.push(summariseFailure(failure));
    const failures = ec.actor.on('failure', ({ failure }) => this.#onFailure(failure));
    this.#unsubscribe.push(
      ec.onStateChange((event) => this.#onState(event)),
      ec.onCondition((event) => this.#onCondition(event)),
      () => failures.unsubscribe(),
    );
  }

  /**
   * Lay the graph out with Graphviz (once: the experiment's shape does not change during a
   * run); until then, and if it cannot be, the snapshot's graph says why it is not drawn.
   */
  async layOutGraph(): Promise<LiveGraph | NoLiveGraph> {
    const resources = [...this.#resources.keys()].map((guid) => ({ guid, dependsOn: this.#dependsOn.get(guid) ?? [] }));
    this.#graph = await layoutLiveGraph({ resources, connections: this.#connections, conditions: this.#conditions });
    return this.#graph;
  }

  /** Everything the view shows, as it stands. */
  snapshot(): LiveSnapshot {
    return {
      expId: this.#ec.expId,
      runId: this.#ec.runId,
      runDir: this.#ec.runDir,
      start: this.#start,
      now: this.#ended ? this.#endedAt : this.#ec.clock.now(),
      status: this.#status,
      ended: this.#ended,
      order: STATE_ORDER,
      resources: [...this.#resources.values()],
      connections: this.#connections,
      graph: this.#graph,
      conditions: this.#conditions,
      failures: this.#failures,
      timeline: this.#timeline,
    };
  }

  /** Be told of every change; returns the unsubscribe function. */
  subscribe(listener: (message: LiveMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The run is over: say so to the pages and stop listening to the controller. */
  end(summary: Pick<RunSummary, 'status'>): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endedAt = this.#ec.clock.now();
    this.#status = summary.status;
    for (const off of this.#unsubscribe) off();
    this.#emit({ type: 'end', now: this.#endedAt, status: summary.status });
  }

  #onState(event: ResourceStateEvent): void {
    const resource = this.#resources.get(event.guid);
    if (!resource) return;
    resource.state = event.to;
    resource.since = event.time;
    const error = event.error === undefined ? undefined : describeCause(event.error);
    if (error !== undefined) resource.error = error;
    if (event.step !== undefined) resource.step = event.step;
    const entry: TimelineEntry = {
      kind: 'state',
      time: event.time,
      guid: event.guid,
      from: event.from,
      to: event.to,
      ...(error !== undefined ? { error } : {}),
    };
    this.#timeline.push(entry);
    this.#emit({ type: 'state', now: this.#ec.clock.now(), resource, entry });
  }

  #onCondition(event: ConditionEvent): void {
    const open = this.#open.get(conditionKey(event));
    if (!open || open.length === 0) return;
    // held: the first one still waiting; fired and the others: the first not finished
    const condition = (event.event === 'held' ? open.find((c) => c.status === 'waiting') : undefined) ?? open[0]!;
    condition.status = event.event;
    if (event.event === 'held') {
      condition.heldAt = event.time;
      condition.deadline = event.deadline;
    } else {
      condition.firedAt = event.time;
      condition.deadline ??= event.deadline;
      this.#close(condition);
    }
    const entry: TimelineEntry = { kind: 'condition', time: event.time, guid: event.guid, action: event.action, event: event.event, group: event.group };
    this.#timeline.push(entry);
    this.#emit({ type: 'condition', now: this.#ec.clock.now(), condition, entry });
    if (event.event !== 'fired') return;
    // the record names the last condition satisfied: the action's other conditions held before it
    for (const other of [...(this.#openByAction.get(actionKey(event)) ?? [])]) {
      if (other.status !== 'held') continue;
      other.status = 'fired';
      other.firedAt = event.time;
      this.#close(other);
      this.#emit({ type: 'condition', now: this.#ec.clock.now(), condition: other });
    }
  }

  /** `condition` is done: no record will change it any more. */
  #close(condition: LiveCondition): void {
    for (const [map, key] of [
      [this.#open, conditionKey(condition)],
      [this.#openByAction, actionKey(condition)],
    ] as const) {
      const list = map.get(key);
      const at = list?.indexOf(condition) ?? -1;
      if (at >= 0) list!.splice(at, 1);
    }
  }

  #onFailure(failure: Failure): void {
    const live = summariseFailure(failure);
    this.#failures.push(live);
    this.#emit({ type: 'failure', now: this.#ec.clock.now(), failure: live });
  }

  #emit(message: LiveMessage): void {
    for (const listener of this.#listeners) listener(message);
  }
}

function actionKey(c: { guid: string; action: string }): string {
  return `${c.guid} ${c.action}`;
}

function conditionKey(c: { guid: string; action: string; group: readonly string[]; state: string; delay: number }): string {
  return `${c.guid} ${c.action} ${c.group.join(',')} ${c.state} ${c.delay}`;
}
