/**
 * The controller's index of conditions: which actions wait on which resources.
 *
 * A *gate* is one action of one resource (e.g. START of app1). It opens when it was requested
 * and every condition on it holds; it then fires at the latest of their due times. A *watch*
 * is one condition: "every member reached `state`" plus a delay. Watches are indexed by
 * member, so a state change touches only the watches on that resource: its cost does not grow
 * with the size of the experiment. Nothing here does I/O or reads a clock; times come in.
 */
import { ACTIONS, stateRank, type ConditionAction, type ResourceAction, type ResourceState } from '../lifecycle.js';

/** Why a watch exists: a user condition, a deployment group's barrier, a dependency, a release order, or a wait. */
export type WatchKind = 'condition' | 'barrier' | 'dependency' | 'release-order' | 'wait';

/** A group of members that must all reach `state` (then `delay` more milliseconds pass) before its gates may open. */
export interface Watch {
  readonly kind: WatchKind;
  readonly members: readonly string[];
  readonly state: ResourceState;
  readonly rank: number;
  readonly delay: number;
  /** Strict watches ignore the rule that a non-critical failure counts as every state. */
  readonly strict: boolean;
  pending: number;
  reachedAt: number;
  satisfied: boolean;
  readonly targets: Gate[];
  /** Called once with the due time when the watch becomes satisfied. */
  listener?: (dueAt: number) => void;
}

/** Where a gate is: waiting for conditions, scheduled to fire at `readyAt`, fired, or cancelled. */
export type GateStatus = 'waiting' | 'scheduled' | 'fired' | 'cancelled';

/** What a condition whose timeout expired does: fail the waiting resource, or drop the condition. */
export type OnTimeout = 'fail' | 'skip';

/**
 * The timeout of one condition on one gate. Its clock starts once the action is requested
 * and the resource itself is ready for it (START: READY, STOP: STARTED; DEPLOY and RELEASE
 * at once): the index queues it in `startedTimeouts` then, for the controller to turn into a
 * deadline. It is moot once the condition holds or the gate opened or was cancelled.
 */
export interface ConditionTimeout {
  readonly watch: Watch;
  readonly gate: Gate;
  /** Milliseconds. */
  readonly timeout: number;
  readonly onTimeout: OnTimeout;
  started: boolean;
  settled: boolean;
  /**
   * When its clock started, when the index knows (the request's time, or the resource's
   * arrival in the state the action needs, whichever is later); unset: the controller's now.
   */
  startedAt?: number;
}

/** One action of one resource, held until all its conditions are satisfied. */
export interface Gate {
  readonly guid: string;
  readonly action: ConditionAction;
  /** For SET: the attribute and the value it takes (checked already). */
  readonly set?: { readonly name: string; readonly value: unknown };
  requested: boolean;
  /** Conditions not yet satisfied, the resource's own lifecycle requirement included. */
  pending: number;
  /** The latest due time among satisfied conditions. */
  readyAt: number;
  status: GateStatus;
  readonly conditions: Watch[];
  /** Timeouts of conditions on this gate (see ConditionTimeout); absent when none has one. */
  timeouts?: ConditionTimeout[];
}

/** What the index knows of one resource: its rank in the lifecycle, its gates, watches and dependencies. */
export interface IndexedResource {
  readonly guid: string;
  critical: boolean;
  rank: number;
  /** reached[r]: when the resource first was at rank r or later. */
  readonly reached: number[];
  /** When it failed non-critically: from then on it counts as having reached every state. */
  failedAt?: number;
  /** The rank it really had reached when it failed (any failure). */
  failedFrom?: number;
  deployed: boolean;
  group?: string;
  readonly gates: Partial<Record<ResourceAction, Gate>>;
  /** Its SET gates, one per SET condition, in the order they were added; absent until the first. */
  sets?: Gate[];
  watches: Watch[];
  /** Resources this one depends on (deploys after, releases before). */
  readonly dependsOn: string[];
  readonly dependents: string[];
}

/** The state a resource must itself have reached before an action makes sense. */
const SELF_REQUIREMENT: Partial<Record<ConditionAction, number>> = {
  START: stateRank('READY'),
  STOP: stateRank('STARTED'),
  SET: stateRank('STARTED'),
};

const STARTED_RANK = stateRank('STARTED');

const FAILED_RANK = stateRank('FAILED');
const RELEASED_RANK = stateRank('RELEASED');

/** A user condition (`kind: 'condition'`) that started to hold, with the gates it held for. */
export interface HeldCondition {
  readonly watch: Watch;
  readonly gates: readonly Gate[];
}

/** The conditions of an experiment, indexed by member: see the top of this file. */
export class ConditionIndex {
  readonly resources = new Map<string, IndexedResource>();
  readonly groups = new Map<string, string[]>();
  /**
   * While `reportHeld` is set, user conditions that start to hold are appended here for the
   * controller to report and clear; off, nothing is collected (no cost when nobody listens).
   */
  reportHeld = false;
  readonly held: HeldCondition[] = [];
  /** Condition timeouts whose clock started since the controller last took them (it clears this). */
  readonly startedTimeouts: ConditionTimeout[] = [];
  #sharedWatches = new Map<string, Watch>();

  /** Adds a resource at rank 0 (NEW); `critical` resources fail the experiment when they fail. */
  add(guid: string, critical: boolean): IndexedResource {
    const entry: IndexedResource = {
      guid,
      critical,
      rank: 0,
      reached: [0],
      deployed: false,
      gates: {},
      watches: [],
      dependsOn: [],
      dependents: [],
    };
    this.resources.set(guid, entry);
    return entry;
  }

  /** The entry of a resource; throws when `guid` was never added. */
  get(guid: string): IndexedResource {
    const entry = this.resources.get(guid);
    if (!entry) throw new Error(`unknown resource '${guid}'`);
    return entry;
  }

  /** Undo `addDependency` (a connection removed before either was deployed). */
  removeDependency(dependent: string, dependency: string): void {
    const a = this.get(dependent);
    const b = this.get(dependency);
    const at = a.dependsOn.indexOf(dependency);
    if (at >= 0) a.dependsOn.splice(at, 1);
    const back = b.dependents.indexOf(dependent);
    if (back >= 0) b.dependents.splice(back, 1);
  }

  /**
   * NEPI's group arithmetic: the guids of `group` leave the user conditions of `guid`'s
   * `action` (every action, SET included, when absent); a condition whose group becomes empty
   * is dropped. Each gate touched that has not gone out is rebuilt: a new gate with what is
   * left (the old one is cancelled, so its pending delay and timeouts come to nothing), which
   * opens at once if nothing holds it back any more (`opened`). Returns whether any condition changed.
   */
  unregister(guid: string, group: readonly string[], action?: ConditionAction): { changed: boolean; opened: Gate[] } {
    const entry = this.get(guid);
    const leaving = new Set(group);
    const opened: Gate[] = [];
    let changed = false;
    const gates = ACTIONS.filter((a) => action === undefined || action === a).map((a) => entry.gates[a]);
    const sets = action === undefined || action === 'SET' ? [...(entry.sets ?? [])] : [];
    for (const gate of [...gates, ...sets]) {
      if (!gate || !gate.conditions.some((w) => w.kind === 'condition' && w.members.some((m) => leaving.has(m)))) continue;
      changed = true;
      if (gate.status !== 'waiting' && gate.status !== 'scheduled') continue; // gone out, or cancelled: nothing to hold back
      const rebuilt = newGate(entry, gate.action, gate.set);
      rebuilt.requested = gate.requested;
      const timeouts = new Map((gate.timeouts ?? []).map((ct) => [ct.watch, { timeout: ct.timeout, onTimeout: ct.onTimeout }]));
      for (const w of gate.conditions) {
        const at = w.targets.indexOf(gate);
        if (at >= 0) w.targets.splice(at, 1);
        let kept: Watch | undefined = w;
        if (w.kind === 'condition' && w.members.some((m) => leaving.has(m))) {
          const members = w.members.filter((m) => !leaving.has(m));
          kept = members.length === 0 ? undefined : this.watch(members, w.state, { kind: 'condition', delay: w.delay, strict: w.strict });
        }
        if (kept) this.attachTo(kept, rebuilt, timeouts.get(w));
      }
      gate.status = 'cancelled';
      // a SET is its conditions: with none left it is gone
      if (gate.action === 'SET' && !rebuilt.conditions.some((w) => w.kind === 'condition')) {
        rebuilt.status = 'cancelled';
        entry.sets!.splice(entry.sets!.indexOf(gate), 1);
        continue;
      }
      if (gate.action === 'SET') entry.sets![entry.sets!.indexOf(gate)] = rebuilt;
      else entry.gates[gate.action] = rebuilt;
      this.#startTimeouts(rebuilt);
      this.#tryOpen(rebuilt, opened);
    }
    return { changed, opened };
  }

  /** `dependent` deploys after `dependency` is READY and is released before it. */
  addDependency(dependent: string, dependency: string): void {
    const a = this.get(dependent);
    const b = this.get(dependency);
    if (!a.dependsOn.includes(dependency)) a.dependsOn.push(dependency);
    if (!b.dependents.includes(dependent)) b.dependents.push(dependent);
  }

  /** The gate of `action` on `guid`, created on first use. */
  gate(guid: string, action: ResourceAction): Gate {
    const entry = this.get(guid);
    let gate = entry.gates[action];
    if (!gate) {
      gate = newGate(entry, action);
      entry.gates[action] = gate;
    }
    return gate;
  }

  /**
   * A new SET gate of `guid` (one per SET condition): `name` takes `value` once the resource is
   * STARTED and the conditions attached to it hold. Requested at deploy, or at once when the
   * resource is deployed already (see `request`); it goes out only while the resource is STARTED.
   */
  addSet(guid: string, name: string, value: unknown): Gate {
    const entry = this.get(guid);
    const gate = newGate(entry, 'SET', { name, value });
    // past STARTED already: it can never go out
    if (entry.rank > STARTED_RANK) gate.status = 'cancelled';
    (entry.sets ??= []).push(gate);
    return gate;
  }

  /** When `guid` reached `rank`, as a condition sees it; undefined while it has not. */
  reachedAt(guid: string, rank: number, strict: boolean): number | undefined {
    const entry = this.get(guid);
    if (reallyReached(entry, entry.rank, rank)) return entry.reached[rank];
    if (!strict && entry.failedAt !== undefined) return entry.failedAt;
    return undefined;
  }

  /**
   * A condition on `members` reaching `state`. With `key`, one watch is shared by everyone
   * asking for the same key (a node's READY serves all of its applications).
   */
  watch(
    members: readonly string[],
    state: ResourceState,
    options: { kind: WatchKind; delay?: number; strict?: boolean; key?: string; listener?: (dueAt: number) => void },
  ): Watch {
    if (options.key !== undefined) {
      const shared = this.#sharedWatches.get(options.key);
      if (shared) return shared;
    }
    const rank = stateRank(state);
    const strict = options.strict ?? false;
    const unique = [...new Set(members)];
    const w: Watch = {
      kind: options.kind,
      members: unique,
      state,
      rank,
      delay: options.delay ?? 0,
      strict,
      pending: 0,
      reachedAt: -Infinity,
      satisfied: false,
      targets: [],
    };
    if (options.listener) w.listener = options.listener;
    for (const guid of unique) {
      const at = this.reachedAt(guid, rank, strict);
      if (at === undefined) {
        w.pending++;
        this.get(guid).watches.push(w);
      } else if (at > w.reachedAt) {
        w.reachedAt = at;
      }
    }
    if (options.key !== undefined) this.#sharedWatches.set(options.key, w);
    if (w.pending === 0) this.#satisfy(w, []);
    return w;
  }

  /**
   * Make `action` of `guid` wait for `w` (attaching never opens a gate). With `timeout`, the
   * condition gives up after that many ms (see ConditionTimeout).
   */
  attach(w: Watch, guid: string, action: ResourceAction, timeout?: { timeout: number; onTimeout: OnTimeout }): void {
    this.attachTo(w, this.gate(guid, action), timeout);
  }

  /** Make `gate` wait for `w` (see `attach`). */
  attachTo(w: Watch, gate: Gate, timeout?: { timeout: number; onTimeout: OnTimeout }): void {
    gate.conditions.push(w);
    if (w.satisfied) {
      gate.readyAt = Math.max(gate.readyAt, w.reachedAt + w.delay);
      return;
    }
    gate.pending++;
    w.targets.push(gate);
    if (timeout && timeout.timeout > 0) {
      (gate.timeouts ??= []).push({ watch: w, gate, ...timeout, started: false, settled: false });
      this.#startTimeouts(gate);
    }
  }

  /**
   * A condition timeout expired: `skipped` drops the condition from its gate (which may open:
   * see `opened`), `timeout` cancels the gate (the caller fails the resource). Undefined when
   * it was moot: the condition held, the gate opened or was cancelled, the resource failed.
   */
  expire(ct: ConditionTimeout): { outcome: 'timeout' | 'skipped'; opened: Gate[] } | undefined {
    if (ct.settled) return undefined;
    ct.settled = true;
    const { gate, watch } = ct;
    if (watch.satisfied || gate.status !== 'waiting' || this.get(gate.guid).rank >= FAILED_RANK) return undefined;
    const at = watch.targets.indexOf(gate);
    if (at >= 0) watch.targets.splice(at, 1);
    // no longer a condition of this gate: it neither holds it back nor counts as what fired it
    const on = gate.conditions.indexOf(watch);
    if (on >= 0) gate.conditions.splice(on, 1);
    gate.pending--;
    if (ct.onTimeout === 'fail') {
      gate.status = 'cancelled';
      return { outcome: 'timeout', opened: [] };
    }
    return { outcome: 'skipped', opened: this.#tryOpen(gate, []) };
  }

  /**
   * Start the clocks of `gate`'s condition timeouts if the action is requested and the
   * resource ready for it. With `at` (a request's or a state change's time), a clock starts
   * at the later of `at` and the time the resource got ready: a resumed controller requests
   * again at the original time, and the timeouts go on from there, not from the resume.
   */
  #startTimeouts(gate: Gate, at?: number): void {
    if (!gate.timeouts || !gate.requested || gate.status !== 'waiting') return;
    const self = SELF_REQUIREMENT[gate.action];
    const entry = this.get(gate.guid);
    if (self !== undefined && entry.rank < self) return;
    const startedAt = at === undefined ? undefined : self === undefined ? at : Math.max(at, entry.reached[self] ?? at);
    for (const ct of gate.timeouts) {
      if (ct.started || ct.watch.satisfied) continue;
      ct.started = true;
      if (startedAt !== undefined) ct.startedAt = startedAt;
      this.startedTimeouts.push(ct);
    }
  }

  /** Whether a user condition was registered on `action` of `guid`. */
  hasConditions(guid: string, action: ResourceAction): boolean {
    return this.get(guid).gates[action]?.conditions.some((w) => w.kind === 'condition') ?? false;
  }

  /** Ask for an action (at clock time `at`, when known). Returns the gate when it opened at once. */
  request(guid: string, action: ResourceAction, at?: number): Gate[] {
    return this.requestGate(this.gate(guid, action), at);
  }

  /** Ask for `gate` (see `request`): a SET gate at deploy, or one added to a deployed resource. */
  requestGate(gate: Gate, at?: number): Gate[] {
    if (gate.status !== 'waiting' || gate.requested) return [];
    gate.requested = true;
    this.#startTimeouts(gate, at);
    return this.#tryOpen(gate, []);
  }

  /**
   * A STOPPED `guid` starts again (a restart): it goes back to READY in the order, with a new
   * START gate that keeps the user conditions of the first (those that held still hold: their
   * due time has passed) and a new STOP gate without any (those held already: they would stop
   * it at once). Watches on its later states wait for it to get there again. With `request`
   * (the default) the new START is asked for; a resume replaying a restart asks for nothing.
   */
  restart(guid: string, options: { at?: number; request?: boolean } = {}): Gate[] {
    const entry = this.get(guid);
    const first = entry.gates.START;
    entry.rank = stateRank('READY');
    const start = newGate(entry, 'START');
    entry.gates.START = start;
    entry.gates.STOP = newGate(entry, 'STOP');
    for (const w of first?.conditions ?? []) if (w.kind === 'condition') this.attachTo(w, start);
    return options.request === false ? [] : this.request(guid, 'START', options.at);
  }

  /**
   * Record a state change of `guid` at `time`; state changes never go back in the order (a
   * restart, see `restart`, puts a resource back to READY first).
   * A critical failure satisfies nothing: the experiment aborts, and what waited on the
   * resource must not take its failure for progress.
   */
  recordState(guid: string, state: ResourceState, time: number): Gate[] {
    const entry = this.get(guid);
    const from = entry.rank;
    const to = stateRank(state);
    const opened: Gate[] = [];
    if (to <= from) return opened;
    for (let r = from + 1; r <= to; r++) entry.reached[r] = time;
    entry.rank = to;
    if (to === FAILED_RANK) entry.failedFrom = from;
    // the controller aborts on a critical failure (its guard isCriticalFailure)
    if (to === FAILED_RANK && entry.critical) return opened;
    const failedBefore = entry.failedAt !== undefined;
    if (to === FAILED_RANK) entry.failedAt = time;
    const failedNow = entry.failedAt !== undefined;

    for (const action of ['START', 'STOP'] as const) {
      const gate = entry.gates[action];
      if (gate) this.#selfReached(gate, SELF_REQUIREMENT[action]!, from, to, time, opened);
    }
    if (entry.sets) {
      for (const gate of entry.sets) {
        // past STARTED: a SET that has not gone out never will
        if (to > STARTED_RANK) {
          if (gate.status === 'waiting' || gate.status === 'scheduled') gate.status = 'cancelled';
        } else this.#selfReached(gate, STARTED_RANK, from, to, time, opened);
      }
    }

    let satisfiedSome = false;
    for (const w of entry.watches) {
      if (w.satisfied) {
        satisfiedSome = true;
        continue;
      }
      const reachedBefore = reallyReached(entry, from, w.rank) || (!w.strict && failedBefore);
      const reachedNow = reallyReached(entry, to, w.rank) || (!w.strict && failedNow);
      if (reachedBefore || !reachedNow) continue;
      w.pending--;
      if (time > w.reachedAt) w.reachedAt = time;
      if (w.pending === 0) {
        this.#satisfy(w, opened);
        satisfiedSome = true;
      }
    }
    if (satisfiedSome) entry.watches = entry.watches.filter((w) => !w.satisfied);
    if (to === RELEASED_RANK) entry.watches = [];
    return opened;
  }

  /**
   * Resume: the actions `guid` had taken before the controller died, as its recorded state
   * shows (DEPLOY once past NEW, START once STARTED, STOP once STOPPED), are marked fired, so
   * that deploying it again does not send them (nor report them) a second time.
   */
  markTaken(guid: string): void {
    const entry = this.get(guid);
    const taken: [ResourceAction, number][] = [
      ['DEPLOY', stateRank('DISCOVERED')],
      ['START', stateRank('STARTED')],
      ['STOP', stateRank('STOPPED')],
    ];
    for (const [action, rank] of taken) {
      if (entry.rank < rank) continue;
      const gate = this.gate(guid, action);
      if (gate.status === 'waiting') gate.status = 'fired';
    }
  }

  /**
   * Deployed dependents of `guid` that are not READY yet: with their dependency failed they
   * can never get there. Their pending DEPLOY is cancelled; the caller fails them.
   */
  strandedDependents(guid: string): string[] {
    const stranded: string[] = [];
    for (const dependent of this.get(guid).dependents) {
      const entry = this.get(dependent);
      if (!entry.deployed || entry.rank >= stateRank('READY')) continue;
      const gate = entry.gates.DEPLOY;
      if (gate && gate.status === 'fired') continue;
      if (gate && gate.status !== 'cancelled') gate.status = 'cancelled';
      stranded.push(dependent);
    }
    return stranded;
  }

  /** Put `guids` in deployment group `group` and ask for their actions. */
  deploy(
    guids: readonly string[],
    options: { group: string; waitAllReady: boolean; autoStart: boolean; at?: number },
  ): { opened: Gate[]; doomed: { guid: string; dependency: string }[] } {
    const opened: Gate[] = [];
    const doomed: { guid: string; dependency: string }[] = [];
    const members = this.groups.get(options.group) ?? [];
    this.groups.set(options.group, members);
    for (const guid of guids) {
      const entry = this.get(guid);
      entry.deployed = true;
      entry.group = options.group;
      members.push(guid);
      for (const dependency of entry.dependsOn) {
        // strict: a failed dependency is not READY; its dependents fail instead (strandedDependents)
        this.attach(this.watch([dependency], 'READY', { kind: 'dependency', strict: true, key: `ready:${dependency}` }), guid, 'DEPLOY');
      }
    }
    if (options.waitAllReady) {
      const barrier = this.watch(members, 'READY', { kind: 'barrier' });
      for (const guid of guids) this.attach(barrier, guid, 'START');
    }
    for (const guid of guids) {
      // a dependency that already failed (or is gone) will never be a place to deploy on
      const dependency = this.get(guid).dependsOn.find((d) => this.get(d).rank >= FAILED_RANK);
      if (dependency !== undefined) {
        this.gate(guid, 'DEPLOY').status = 'cancelled';
        doomed.push({ guid, dependency });
        continue;
      }
      opened.push(...this.request(guid, 'DEPLOY', options.at));
      for (const gate of this.get(guid).sets ?? []) opened.push(...this.requestGate(gate, options.at));
    }
    if (options.autoStart) {
      for (const guid of guids) {
        opened.push(...this.request(guid, 'START', options.at));
        if (this.hasConditions(guid, 'STOP')) opened.push(...this.request(guid, 'STOP', options.at));
      }
    }
    return { opened, doomed };
  }

  /**
   * Release `guids` and, first, everything that depends on them. Their pending DEPLOY,
   * START and STOP are dropped; a resource releases once its dependents are RELEASED.
   * `waiting` lists those whose release must wait: they should halt meanwhile.
   */
  release(guids: readonly string[]): { opened: Gate[]; waiting: string[] } {
    const opened: Gate[] = [];
    const waiting: string[] = [];
    const todo = [...guids];
    const seen = new Set<string>();
    while (todo.length > 0) {
      const guid = todo.pop()!;
      if (seen.has(guid)) continue;
      seen.add(guid);
      const entry = this.get(guid);
      todo.push(...entry.dependents);
      for (const gate of [entry.gates.DEPLOY, entry.gates.START, entry.gates.STOP, ...(entry.sets ?? [])]) {
        if (gate && (gate.status === 'waiting' || gate.status === 'scheduled')) gate.status = 'cancelled';
      }
      const gate = this.gate(guid, 'RELEASE');
      if (gate.status === 'waiting' && !gate.requested && entry.dependents.length > 0) {
        this.attach(this.watch(entry.dependents, 'RELEASED', { kind: 'release-order', strict: true }), guid, 'RELEASE');
      }
      const now = this.request(guid, 'RELEASE');
      if (now.length === 0 && gate.status === 'waiting' && entry.rank < RELEASED_RANK) waiting.push(guid);
      opened.push(...now);
    }
    for (const guid of seen) this.#dropHopeless(this.get(guid).gates.RELEASE!, opened);
    return { opened, waiting: waiting.filter((guid) => this.get(guid).gates.RELEASE!.status === 'waiting') };
  }

  /**
   * Drop the user conditions of a RELEASE `gate` that can never hold any more: a member that
   * has not counted for the condition is being released itself (its DEPLOY, START and STOP
   * are cancelled, so it only moves to RELEASED) or failed critically (a critical failure
   * counts for nothing). Waiting for them would hold the release, and every release after it, forever.
   */
  #dropHopeless(gate: Gate, opened: Gate[]): void {
    if (gate.status !== 'waiting' || gate.pending === 0) return;
    for (const w of [...gate.conditions]) {
      if (w.kind !== 'condition' || w.satisfied || w.rank >= RELEASED_RANK) continue;
      const hopeless = w.members.some((guid) => {
        const member = this.get(guid);
        // a critical failure counts for nothing past the state it failed from
        const failedCritically = member.failedFrom !== undefined && member.failedAt === undefined;
        const counted = failedCritically ? w.rank <= member.failedFrom! : this.reachedAt(guid, w.rank, w.strict) !== undefined;
        return !counted && (member.rank >= FAILED_RANK || member.gates.RELEASE?.requested === true);
      });
      if (!hopeless) continue;
      const at = w.targets.indexOf(gate);
      if (at >= 0) w.targets.splice(at, 1);
      gate.conditions.splice(gate.conditions.indexOf(w), 1);
      gate.pending--;
    }
    this.#tryOpen(gate, opened);
  }

  /** The resource itself reached what `gate`'s action needs (`self`) in going from rank `from` to `to`. */
  #selfReached(gate: Gate, self: number, from: number, to: number, time: number, opened: Gate[]): void {
    if (from >= self || to < self) return;
    gate.pending--;
    gate.readyAt = Math.max(gate.readyAt, time);
    if (to < FAILED_RANK) this.#startTimeouts(gate, time);
    this.#tryOpen(gate, opened);
  }

  #satisfy(w: Watch, opened: Gate[]): void {
    w.satisfied = true;
    const due = w.reachedAt + w.delay;
    w.listener?.(due);
    if (this.reportHeld && w.kind === 'condition') this.held.push({ watch: w, gates: [...w.targets] });
    for (const gate of w.targets) {
      gate.pending--;
      if (due > gate.readyAt) gate.readyAt = due;
      this.#tryOpen(gate, opened);
    }
    w.targets.length = 0;
  }

  #tryOpen(gate: Gate, opened: Gate[]): Gate[] {
    if (gate.requested && gate.pending === 0 && gate.status === 'waiting') {
      gate.status = 'scheduled';
      opened.push(gate);
    }
    return opened;
  }
}

/** A gate of `entry` for `action`, waiting; its own requirement (SELF_REQUIREMENT) counts as pending until the resource gets there. */
function newGate(entry: IndexedResource, action: ConditionAction, set?: Gate['set']): Gate {
  const self = SELF_REQUIREMENT[action];
  return {
    guid: entry.guid,
    action,
    ...(set ? { set } : {}),
    requested: false,
    pending: self !== undefined && entry.rank < self ? 1 : 0,
    readyAt: -Infinity,
    status: 'waiting',
    conditions: [],
  };
}

/**
 * Whether a resource at `current` rank really reached `rank`: a failure passes over the
 * states between the last one reached and FAILED without reaching them.
 */
function reallyReached(entry: IndexedResource, current: number, rank: number): boolean {
  if (current < rank) return false;
  if (entry.failedFrom === undefined || current < FAILED_RANK) return true;
  return rank <= entry.failedFrom || rank >= FAILED_RANK;
}
