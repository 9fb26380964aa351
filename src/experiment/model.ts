/**
 * The experiment as registered: its resources (records), their names, attribute values and
 * connections, the dependencies those imply, and the conditions. Every registration rule is
 * here, checked before anything changes; the facade (experiment-controller.ts) only tells
 * the controller machine what the model accepted. It is also the read-only `ExperimentView`
 * that backends and steps see.
 */
import type { Actor, ActorOptions, AnyActorLogic, AnyActorRef } from 'xstate';
import { createActor } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import type { ConditionIndex } from '../../machines/conditions/condition-index.js';
import { STATE_ORDER, stateRank, type ConditionAction, type ResourceAction, type ResourceState } from '../../machines/lifecycle.js';
import {
  AttributeValueError,
  ConditionError,
  InvalidActionError,
  InvalidConnectionError,
  NepiError,
  suggest,
  UnknownAttributeError,
  UnknownResourceError,
} from '../errors.js';
import { coerceAttribute, maskedChange, type AttributeSpec, type AttributeValue } from '../resources/attributes.js';
import { connectionRule, dependsOnType, describeConnectsTo } from '../resources/connections.js';
import { matchesType, type ResourceType } from '../resources/resource-type.js';
import type { TryReport } from '../resources/step-runner.js';
import type { ExperimentView, NodeView, ResourceView } from '../resources/views.js';
import type { RunDirectory } from '../run/run-directory.js';
import type { RunSummary } from '../run/summary.js';
import { folderNameProblem } from '../run/folder-name.js';
import { parseDuration, type Duration } from '../time/duration.js';
import { checkCondition, checkDeployable, isUndeployed } from './deploy-checks.js';
import { describeExperiment, type RegisteredCondition } from './describe.js';
import type { ExperimentDescription } from './description.js';
import type { ResourceInfo } from './options.js';
import { ResourceRecord, type RecordEnvironment } from './resource-record.js';
import { actionProblem, checkConditionOptions, conditionActionProblem, runtimeProblem, stateProblem, type ConditionOptions, type OnTimeout } from './rules.js';
import { Sessions } from './sessions.js';
import { throughDependencies, ThroughPatterns } from './through-dependencies.js';

export type Guids = string | readonly string[];

export interface ModelOptions {
  readonly expId: string;
  readonly runId: string;
  readonly runDir: string;
  readonly clock: Clock;
  readonly run: RunDirectory;
  /** The controller machine's index, read to know what is deployed and which actions were taken. */
  readonly index: ConditionIndex;
  /** The controller actor: actors made for backends (`createActor`) live in its system. */
  readonly system: AnyActorRef;
  readonly onTry: (report: TryReport) => void;
}

/** A condition the model accepted, as the controller machine takes it. */
export interface AcceptedCondition {
  readonly targets: readonly string[];
  readonly action: ConditionAction;
  /** SET: the attribute and its value, checked against the targets' type (the same on every target). */
  readonly set?: { readonly name: string; readonly value: unknown };
  readonly members: readonly string[];
  readonly state: ResourceState;
  readonly delay: number;
  readonly timeout?: number;
  readonly onTimeout?: OnTimeout;
}

const STARTED_RANK = stateRank('STARTED');
const STOPPED_RANK = stateRank('STOPPED');

export class ExperimentModel implements ExperimentView {
  readonly expId: string;
  readonly runId: string;
  readonly runDir: string;
  readonly clock: Clock;
  readonly sessions: Sessions;
  readonly #records = new Map<string, ResourceRecord>();
  readonly #counters = new Map<string, number>();
  /** The through patterns (`A > B`, a node's `ready`) of the types registered so far. */
  readonly #through = new ThroughPatterns();
  readonly #conditions: RegisteredCondition[] = [];
  readonly #env: RecordEnvironment;
  readonly #index: ConditionIndex;
  readonly #system: AnyActorRef;
  #revision = 0;

  constructor(options: ModelOptions) {
    this.expId = options.expId;
    this.runId = options.runId;
    this.runDir = options.runDir;
    this.clock = options.clock;
    this.#index = options.index;
    this.#system = options.system;
    this.sessions = new Sessions(this);
    this.#env = {
      lookup: (guid) => this.#records.get(guid),
      experiment: this,
      sessions: this.sessions,
      clock: options.clock,
      expId: options.expId,
      runId: options.runId,
      runDir: options.runDir,
      run: options.run,
      onTry: options.onTry,
    };
  }

  // --- ExperimentView -------------------------------------------------------------------

  get revision(): number {
    return this.#revision;
  }

  resources(type?: string): ResourceRecord[] {
    const all = [...this.#records.values()];
    return type === undefined ? all : all.filter((record) => matchesType(type, record.type));
  }

  resource(guid: string): ResourceView | undefined {
    return this.#records.get(guid);
  }

  node(guid: string): NodeView | undefined {
    return this.#records.get(guid)?.asNode();
  }

  createActor<L extends AnyActorLogic>(logic: L, options: Omit<ActorOptions<L>, 'clock' | 'inspect' | 'parent'> = {}): Actor<L> {
    // a child of the controller in its system: its clock, its inspection; not in its snapshot
    return createActor(logic, { ...options, parent: this.#system });
  }

  // --- registration rules ---------------------------------------------------------------

  /** Every guid, in registration order. */
  guids(): string[] {
    return [...this.#records.keys()];
  }

  get size(): number {
    return this.#records.size;
  }

  /** The record of `guid`; an UnknownResourceError naming it (whatever it is) when there is none. */
  record(guid: unknown): ResourceRecord {
    const record = typeof guid === 'string' ? this.#records.get(guid) : undefined;
    if (!record) throw new UnknownResourceError(guid, this.#records.keys());
    return record;
  }

  /** `guids` as a list, each checked. */
  list(guids: Guids): string[] {
    const list = typeof guids === 'string' ? [guids] : Array.isArray(guids) ? [...(guids as readonly string[])] : [guids as unknown as string];
    for (const guid of list) this.record(guid);
    return list;
  }

  /** A new resource of `type` named `name` (default: the type's short name and a number). */
  addResource(type: ResourceType, attributes: Readonly<Record<string, unknown>>, name?: string): ResourceRecord {
    const guid = name ?? this.#newGuid(type);
    const badName = typeof guid === 'string' ? folderNameProblem(guid) : 'a name must be a string';
    if (badName !== undefined) throw new NepiError(`invalid resource name: ${badName}: a resource's traces go to <runDir>/<name>/`, { guid });
    if (this.#records.has(guid)) throw new NepiError(`a resource named '${guid}' already exists`, { guid });
    const record = new ResourceRecord(guid, type, this.#env);
    for (const [attribute, value] of Object.entries(attributes)) this.setAttribute(record, attribute, value);
    this.#through.add(type);
    this.#records.set(guid, record);
    this.#revision++;
    return record;
  }

  /**
   * Set an attribute, checked against the type's declaration; `undefined` goes back to the
   * default. Once the resource is deployed only a runtime attribute (or `critical`) may
   * change: on a STARTED resource the change is returned, for its `set` step to apply; before
   * STARTED it is the value it starts with; after, an error.
   */
  setAttribute(record: ResourceRecord, name: string, value: unknown): { readonly value: AttributeValue } | undefined {
    const spec = this.#spec(record, name);
    if (spec.readOnly) throw new AttributeValueError(record.guid, record.type, name, 'is read-only: only its type gives it a value');
    const entry = this.#index.resources.get(record.guid);
    if (entry?.deployed && name !== 'critical') {
      const checked = this.#runtimeValue([record.guid], name, value);
      if (entry.rank === STARTED_RANK) return { value: checked };
      if (entry.rank > STARTED_RANK) {
        throw new InvalidActionError(`cannot set '${name}' of '${record.guid}': it is ${STATE_ORDER[entry.rank]}, no longer STARTED`, {
          guid: record.guid,
          type: record.type,
          attribute: name,
        });
      }
    }
    const checked: AttributeValue | undefined =
      value === undefined ? undefined : coerceAttribute(spec, value, { guid: record.guid, type: record.type, attribute: name });
    record.setValue(name, checked, value);
    this.#revision++;
    return undefined;
  }

  /** The value of attribute `name` of `guid`; an UnknownAttributeError when its type has none. */
  attribute(guid: unknown, name: string): AttributeValue | undefined {
    const record = this.record(guid);
    this.#spec(record, name);
    return record.get(name);
  }

  /** The declaration of attribute `name` of `record`'s type; an UnknownAttributeError when it has none. */
  #spec(record: ResourceRecord, name: string): AttributeSpec {
    const spec = Object.hasOwn(record.resourceType.attributes, name) ? record.resourceType.attributes[name] : undefined;
    if (!spec) throw new UnknownAttributeError(record.guid, record.type, name, Object.keys(record.resourceType.attributes));
    return spec;
  }

  /**
   * Connect `a` and `b`; both types must accept it. Returns the dependencies it makes
   * (`[dependent, dependency]`), empty when they were connected already.
   */
  connect(a: unknown, b: unknown): Array<readonly [string, string]> {
    const ra = this.record(a);
    const rb = this.record(b);
    if (ra === rb) throw new InvalidConnectionError(`resource '${ra.guid}' cannot connect to itself`, { guid: ra.guid });
    if (ra.isConnectedTo(rb.guid)) return [];
    for (const [from, to] of [
      [ra, rb],
      [rb, ra],
    ] as const) {
      const match = connectionRule(from.resourceType, to.resourceType);
      if (!match) {
        throw new InvalidConnectionError(
          `resource '${from.guid}' (${from.type}) cannot connect to '${to.guid}' (${to.type}); ${from.type} connects to ${describeConnectsTo(from.resourceType)}`,
          { guid: from.guid, type: from.type },
        );
      }
      const max = match.rule.max;
      if (max !== undefined && from.connectedRecords().filter((other) => match.matches(other.resourceType)).length >= max) {
        throw new InvalidConnectionError(`resource '${from.guid}' (${from.type}) already has ${max} connection(s) to ${match.label}, the most it takes`, {
          guid: from.guid,
          type: from.type,
        });
      }
    }
    const direct = (
      [
        [ra, rb],
        [rb, ra],
      ] as const
    ).filter(([dependent, dependency]) => dependsOnType(dependent.resourceType, dependency.resourceType));
    for (const [dependent, dependency] of direct) {
      if (this.#index.get(dependent.guid).deployed) {
        throw new InvalidConnectionError(`resource '${dependent.guid}' is already deployed; connect it to '${dependency.guid}' before deploying it`, {
          guid: dependent.guid,
          type: dependent.type,
        });
      }
    }
    ra.addPeer(rb.guid);
    rb.addPeer(ra.guid);
    this.#revision++;
    const dependencies: Array<readonly [string, string]> = direct.map(([dependent, dependency]) => [dependent.guid, dependency.guid] as const);
    // one step further (`A > B`, a node's `ready`); a resource already deployed keeps the order it was deployed in
    for (const [dependent, dependency] of throughDependencies(ra, rb, this.#through)) {
      if (!this.#index.get(dependent.guid).deployed) dependencies.push([dependent.guid, dependency.guid]);
    }
    return dependencies;
  }

  /**
   * NEPI's `unregister_condition`: the guids of `group` leave the conditions of `guid` on
   * `action` (on every action, SET included, when absent); a condition whose group becomes
   * empty is dropped. Returns the change as the controller machine takes it.
   */
  removeConditions(guid: unknown, group: Guids, action?: ConditionAction): { guid: string; group: string[]; action?: ConditionAction } {
    const record = this.record(guid);
    const leaving = this.list(group);
    const badAction = action === undefined ? undefined : conditionActionProblem(action);
    if (badAction !== undefined)
      throw new ConditionError(`cannot unregister a condition of '${record.guid}': ${badAction}`, { guid: record.guid, type: record.type });
    const kept: RegisteredCondition[] = [];
    for (const condition of this.#conditions) {
      const applies = condition.targets.includes(record.guid) && (action === undefined || condition.action === action);
      const group = applies ? condition.group.filter((member) => !leaving.includes(member)) : condition.group;
      if (!applies || group.length === condition.group.length) {
        kept.push(condition);
        continue;
      }
      const others = condition.targets.filter((target) => target !== record.guid);
      if (others.length > 0) kept.push({ ...condition, targets: others });
      if (group.length > 0) kept.push({ ...condition, targets: [record.guid], group });
    }
    this.#conditions.splice(0, this.#conditions.length, ...kept);
    this.#revision++;
    return { guid: record.guid, group: leaving, ...(action !== undefined ? { action } : {}) };
  }

  /**
   * NEPI's `unregister_connection`, before either is deployed: `a` and `b` are no longer
   * connected. Returns the dependencies (`[dependent, dependency]`) that no connection left
   * implies any more, for the controller to drop; the types' connection rules are checked
   * again at deploy.
   */
  disconnect(a: unknown, b: unknown): Array<readonly [string, string]> {
    const ra = this.record(a);
    const rb = this.record(b);
    if (!ra.isConnectedTo(rb.guid))
      throw new InvalidConnectionError(`resources '${ra.guid}' and '${rb.guid}' are not connected`, { guid: ra.guid, type: ra.type });
    for (const record of [ra, rb]) {
      if (this.#index.get(record.guid).deployed) {
        throw new InvalidConnectionError(`cannot disconnect '${ra.guid}' and '${rb.guid}': '${record.guid}' is already deployed`, {
          guid: record.guid,
          type: record.type,
        });
      }
    }
    ra.removePeer(rb.guid);
    rb.removePeer(ra.guid);
    this.#revision++;
    // what the connections left still imply, for resources not deployed yet (as connect adds them)
    const implied = new Set<string>();
    const key = (dependent: string, dependency: string) => `${dependent}\u0000${dependency}`;
    for (const record of this.#records.values()) {
      for (const peer of record.connectedRecords()) {
        if (dependsOnType(record.resourceType, peer.resourceType)) implied.add(key(record.guid, peer.guid));
        for (const [dependent, dependency] of throughDependencies(record, peer, this.#through)) implied.add(key(dependent.guid, dependency.guid));
      }
    }
    const dropped: Array<readonly [string, string]> = [];
    for (const record of this.#records.values()) {
      const entry = this.#index.get(record.guid);
      if (entry.deployed) continue;
      for (const dependency of entry.dependsOn) if (!implied.has(key(record.guid, dependency))) dropped.push([record.guid, dependency]);
    }
    return dropped;
  }

  /**
   * The record of `guid`, to be asked `action`: an InvalidActionError when it is not deployed,
   * or for START when it is STOPPED and its type cannot start again (`restartable`).
   */
  requestable(guid: unknown, action: 'START' | 'STOP'): ResourceRecord {
    const record = this.record(guid);
    const where = { guid: record.guid, type: record.type };
    const entry = this.#index.get(record.guid);
    if (!entry.deployed) throw new InvalidActionError(`cannot ${action.toLowerCase()} '${record.guid}': it is not deployed`, where);
    if (action === 'START' && entry.rank === STOPPED_RANK && !record.resourceType.restartable) {
      throw new InvalidActionError(`cannot start '${record.guid}' again: it is STOPPED, and a ${record.type} cannot restart`, where);
    }
    return record;
  }

  /**
   * Check a condition and keep it for `describe()`; returns it as the controller machine takes
   * it. With `set`, a SET condition: `set.name` takes `set.value` on each target (a runtime
   * attribute of its type) once it is STARTED and the condition holds.
   */
  addCondition(
    guids: Guids,
    action: ResourceAction,
    group: Guids,
    state: ResourceState,
    time: Duration,
    options: ConditionOptions,
    set?: { readonly name: string; readonly value: unknown },
  ): AcceptedCondition {
    const targets = this.list(guids);
    const members = this.list(group);
    const badAction = set ? undefined : actionProblem(action);
    if (badAction !== undefined) throw new ConditionError(badAction);
    const checked = set && this.#runtimeValue(targets, set.name, set.value);
    const badState = stateProblem(state);
    if (badState !== undefined) throw new ConditionError(badState);
    if (members.length === 0) throw new ConditionError(`a ${action} condition needs at least one resource to wait for`);
    const delay = parseDuration(time);
    const { timeout, onTimeout } = checkConditionOptions(action, options);
    for (const guid of set ? [] : targets) {
      const gate = this.#index.resources.get(guid)?.gates[action];
      if (gate && gate.status !== 'waiting') {
        throw new InvalidActionError(
          `cannot add a ${action} condition to '${guid}': its ${action} was already ${gate.status === 'cancelled' ? 'cancelled' : 'ordered'}`,
          { guid, type: this.record(guid).type },
        );
      }
    }
    if (!set) checkCondition(this, { targets, action, members, state });
    const timed = timeout > 0 ? { timeout, onTimeout } : {};
    const kind = set ? { action: 'SET' as const, set } : { action };
    this.#conditions.push({ targets, ...kind, group: members, state, time, ...(timeout > 0 ? { timeout: options.timeout!, onTimeout } : {}) });
    return { targets, ...kind, ...(checked ? { set: { name: set.name, value: checked } } : {}), members, state, delay, ...timed };
  }

  /**
   * `value` for runtime attribute `name` of every one of `targets`, checked against each
   * one's declaration (the value of the first; targets of one type give one value).
   */
  #runtimeValue(targets: readonly string[], name: string, value: unknown): AttributeValue {
    if (targets.length === 0) throw new ConditionError('a SET condition needs at least one resource to set');
    let checked: AttributeValue | undefined;
    for (const guid of targets) {
      const record = this.record(guid);
      const spec = this.#spec(record, name);
      const problem = runtimeProblem(record, name);
      if (problem !== undefined) throw new InvalidActionError(problem, { guid, type: record.type, attribute: name });
      const own = coerceAttribute(spec, value, { guid, type: record.type, attribute: name });
      checked ??= own;
    }
    return checked!;
  }

  /** Throw the first reason why `batch` cannot be deployed as (part of) group `group` (see deploy-checks.ts). */
  checkDeployable(batch: readonly string[], group: string, waitAllReady: boolean): void {
    checkDeployable(this, batch, group, waitAllReady);
  }

  /** Of `guids` (default: all), those never deployed (nor released). */
  undeployed(guids?: Guids): string[] {
    return (guids === undefined ? this.guids() : this.list(guids)).filter((guid) => isUndeployed(this.#index, guid));
  }

  /** The resources that end by themselves: a `run` step that finishes (not one that watches), or STOP conditions. */
  endingResources(): string[] {
    return this.resources().flatMap((record) =>
      (record.runs('run') && record.resourceType.runWatches !== true) || this.#index.hasConditions(record.guid, 'STOP') ? [record.guid] : [],
    );
  }

  /** The condition index, for the checks (read-only). */
  get index(): ConditionIndex {
    return this.#index;
  }

  /** The experiment as registered: what `experiment.json` holds. */
  describe(): ExperimentDescription {
    return describeExperiment(this.expId, this.#records, this.#conditions);
  }

  /** The record of `guid`, whose type has trace `name`; a NepiError naming its traces otherwise. */
  traced(guid: unknown, name: string): ResourceRecord {
    const record = this.record(guid);
    if (!Object.hasOwn(record.resourceType.traces, name)) {
      const known = Object.keys(record.resourceType.traces);
      throw new NepiError(
        `resource '${record.guid}' (${record.type}) has no trace '${name}'${suggest(name, known)}; its traces: ${known.join(', ') || 'none'}`,
        {
          guid: record.guid,
          type: record.type,
        },
      );
    }
    return record;
  }

  /** Every resource as the run summary lists it: its type, state and state times (from `info`), what it measured. */
  /** Every node's addresses as its type knows them now (CIDR), for nodes that have any. */
  addresses(): Record<string, readonly string[]> {
    const addresses: Record<string, readonly string[]> = {};
    for (const record of this.#records.values()) {
      let list: readonly string[] = [];
      try {
        list = record.asNode()?.addresses() ?? [];
      } catch {
        // a type that cannot tell (its session is gone, a stand-in): the release must go on
      }
      if (list.length > 0) addresses[record.guid] = list;
    }
    return addresses;
  }

  summarise(info: (guid: string) => ResourceInfo): RunSummary['resources'] {
    const resources: Record<string, RunSummary['resources'][string]> = {};
    for (const record of this.#records.values()) {
      const { type, state, times, changes: applied } = info(record.guid);
      const results = record.measured();
      const changes = applied?.map((change) => (record.isCredential(change.name) ? maskedChange(change) : change));
      resources[record.guid] = { type, state, times, ...(results ? { results } : {}), ...(changes ? { changes } : {}) };
    }
    return resources;
  }

  #newGuid(type: ResourceType): string {
    const base = (type.type.split('::')[1] ?? 'resource').toLowerCase();
    let n = this.#counters.get(base) ?? 0;
    do n++;
    while (this.#records.has(`${base}${n}`));
    this.#counters.set(base, n);
    return `${base}${n}`;
  }
}
