/**
 * The experiment controller: the API users call. It validates every request before anything
 * changes, then hands it to the controller machine, which owns the resource actors, the
 * conditions and the timers. Waits are condition watches too: no polling anywhere.
 */
import { customAlphabet } from 'nanoid';

const shortId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 8);
import { createActor, type InspectionEvent, type Observer } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import { findCycle } from '../../machines/conditions/cycles.js';
import { controllerMachine, type ControllerActor, type Failure } from '../../machines/controller.js';
import {
  isResourceAction,
  isResourceState,
  STATE_ORDER,
  type ResourceAction,
  type ResourceState,
  type StepName,
} from '../../machines/lifecycle.js';
import type { ResourceContext, ResourceInput, ResourceStateEvent } from '../../machines/resource.js';
import {
  ConditionError,
  ConditionCycleError,
  ExperimentAbortedError,
  InvalidActionError,
  InvalidConnectionError,
  NepiError,
  UnknownAttributeError,
  UnknownResourceError,
} from '../errors.js';
import { coerceAttribute, type AttributeValue } from '../resources/attributes.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { connectionRule, matchesType, resourceLogic, type ResourceType } from '../resources/resource-type.js';
import { parseDuration, type Duration } from '../time/duration.js';
import { realClock } from '../time/real-clock.js';
import { ResourceRecord } from './resource-record.js';
import '../backends/dummy/index.js';

export interface ExperimentControllerOptions {
  /** The experiment's name; a run directory lives under `<localDir>/<expId>/<runId>/`. */
  readonly expId?: string;
  readonly localDir?: string;
  /** Every timer of the engine and of the dummy backend; a VirtualClock runs in virtual time. */
  readonly clock?: Clock;
  /** An XState inspection observer: the controller and every resource actor appear in it. */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Where resource types are looked up by name (default: the built-in registry). */
  readonly registry?: TypeRegistry;
}

export interface DeployOptions {
  /** The deployment group (new by default); a group starts once all its members are READY. */
  readonly group?: string;
  /** Whether members wait for the whole group to be READY before starting (default true). */
  readonly waitAllReady?: boolean;
  /** Whether members start (and stop, if they have STOP conditions) on their own (default true). */
  readonly autoStart?: boolean;
}

export interface ResourceInfo {
  readonly guid: string;
  readonly type: string;
  readonly state: ResourceState;
  /** When each state was first entered (clock milliseconds). */
  readonly times: Partial<Record<ResourceState, number>>;
  readonly error?: unknown;
  readonly step?: string;
}

export type ExperimentStatus = 'running' | 'aborted' | 'released';

type Guids = string | readonly string[];

interface PendingWait {
  readonly reject: (error: Error) => void;
}

export class ExperimentController {
  readonly expId: string;
  readonly runId: string;
  readonly localDir: string;
  readonly clock: Clock;
  readonly #registry: TypeRegistry;
  readonly #actor: ControllerActor;
  readonly #records = new Map<string, ResourceRecord>();
  readonly #waits = new Set<PendingWait>();
  readonly #counters = new Map<string, number>();
  #groups = 0;

  constructor(options: ExperimentControllerOptions = {}) {
    this.expId = options.expId ?? `exp-${shortId()}`;
    this.runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${shortId()}`;
    this.localDir = options.localDir ?? 'nepi-runs';
    this.clock = options.clock ?? realClock;
    this.#registry = options.registry ?? defaultRegistry;
    this.#actor = createActor(controllerMachine, {
      id: 'controller',
      input: { clock: this.clock },
      clock: this.clock,
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    this.#actor.on('aborted', ({ failures }) => {
      const error = new ExperimentAbortedError(failures);
      for (const wait of [...this.#waits]) wait.reject(error);
      this.#waits.clear();
    });
    this.#actor.start();
  }

  /** The controller actor, for inspection and for listening to its emitted events. */
  get actor(): ControllerActor {
    return this.#actor;
  }

  /** Every registered guid, in registration order. */
  get resources(): string[] {
    return [...this.#records.keys()];
  }

  get status(): ExperimentStatus {
    const snapshot = this.#actor.getSnapshot();
    if (snapshot.context.outcome.aborted) return 'aborted';
    return snapshot.value === 'running' ? 'running' : 'released';
  }

  /** Every failure so far, critical or not, in the order they happened. */
  get failures(): readonly Failure[] {
    return [...this.#actor.getSnapshot().context.failures];
  }

  /** Listen to every state change of every resource. Returns the unsubscribe function. */
  onStateChange(listener: (event: ResourceStateEvent) => void): () => void {
    return this.#actor.on('resource.state', listener).unsubscribe;
  }

  /** Register a resource of `type` (a registered name or a type object); returns its guid. */
  registerResource(
    type: string | ResourceType,
    attributes: Readonly<Record<string, unknown>> = {},
    options: { name?: string } = {},
  ): string {
    this.#assertRunning('register a resource');
    const resourceType = typeof type === 'string' ? this.#registry.get(type) : type;
    const guid = options.name ?? this.#newGuid(resourceType);
    if (this.#records.has(guid)) throw new NepiError(`a resource named '${guid}' already exists`, { guid });
    const record = new ResourceRecord(guid, resourceType, (g) => this.#record(g), this.clock);
    for (const [name, value] of Object.entries(attributes)) this.#setAttribute(record, name, value);
    this.#records.set(guid, record);
    const input: ResourceInput = {
      guid,
      type: resourceType.type,
      plan: (step: StepName) => record.runs(step),
      now: () => this.clock.now(),
      handle: record,
    };
    const actor = createActor(resourceLogic(resourceType), { parent: this.#actor, id: guid, input });
    this.#actor.send({ type: 'resource.add', guid, resourceType: resourceType.type, critical: record.get('critical') !== false, actor });
    return guid;
  }

  /** Set an attribute; checked against the type's declaration. */
  set(guid: string, name: string, value: unknown): void {
    const record = this.#record(guid);
    this.#setAttribute(record, name, value);
    if (name === 'critical') this.#actor.send({ type: 'resource.critical', guid, critical: value !== false });
  }

  get(guid: string, name: string): AttributeValue | undefined {
    const record = this.#record(guid);
    if (!Object.hasOwn(record.resourceType.attributes, name)) {
      throw new UnknownAttributeError(guid, record.type, name, Object.keys(record.resourceType.attributes));
    }
    return record.get(name);
  }

  /** Connect two resources; both types must accept the connection. */
  registerConnection(a: string, b: string): void {
    const ra = this.#record(a);
    const rb = this.#record(b);
    if (a === b) throw new InvalidConnectionError(`resource '${a}' cannot connect to itself`, { guid: a });
    if (ra.connections.has(b)) return;
    for (const [from, to] of [
      [ra, rb],
      [rb, ra],
    ] as const) {
      const rule = connectionRule(from.resourceType, to.type);
      if (!rule) {
        throw new InvalidConnectionError(
          `resource '${from.guid}' (${from.type}) cannot connect to '${to.guid}' (${to.type}); ${from.type} connects to ${
            Object.keys(from.resourceType.connectsTo).join(', ') || 'nothing'
          }`,
          { guid: from.guid, type: from.type },
        );
      }
      if (rule.max !== undefined && from.connected(to.type).length >= rule.max) {
        throw new InvalidConnectionError(
          `resource '${from.guid}' (${from.type}) already has ${rule.max} connection(s) to ${to.type}, the most it takes`,
          { guid: from.guid, type: from.type },
        );
      }
    }
    const index = this.#index();
    for (const [dependent, dependency] of [
      [ra, rb],
      [rb, ra],
    ] as const) {
      if (dependent.resourceType.dependsOn.some((pattern) => matchesType(pattern, dependency.type))) {
        if (index.get(dependent.guid).deployed) {
          throw new InvalidConnectionError(
            `resource '${dependent.guid}' is already deployed; connect it to '${dependency.guid}' before deploying it`,
            { guid: dependent.guid, type: dependent.type },
          );
        }
      }
    }
    ra.connections.add(b);
    rb.connections.add(a);
    for (const [dependent, dependency] of [
      [ra, rb],
      [rb, ra],
    ] as const) {
      if (dependent.resourceType.dependsOn.some((pattern) => matchesType(pattern, dependency.type))) {
        this.#actor.send({ type: 'resource.depend', dependent: dependent.guid, dependency: dependency.guid });
      }
    }
  }

  /**
   * Perform `action` on each of `guids` only once every member of `group` reached `state`,
   * and `time` has passed since the last of them did.
   */
  registerCondition(guids: Guids, action: ResourceAction, group: Guids, state: ResourceState, time: Duration = 0): void {
    this.#assertRunning('register a condition');
    const targets = this.#guids(guids);
    const members = this.#guids(group);
    if (!isResourceAction(action)) {
      throw new NepiError(`unknown action '${String(action)}': expected DEPLOY, START, STOP or RELEASE`);
    }
    if (!isResourceState(state)) {
      throw new NepiError(`unknown state '${String(state)}': expected one of ${STATE_ORDER.join(', ')}`);
    }
    if (members.length === 0) throw new ConditionError(`a ${action} condition needs at least one resource to wait for`);
    const delay = parseDuration(time);
    const index = this.#index();
    for (const guid of targets) {
      const gate = index.resources.get(guid)?.gates[action];
      if (gate && gate.status !== 'waiting') {
        throw new InvalidActionError(
          `cannot add a ${action} condition to '${guid}': its ${action} was already ${gate.status === 'cancelled' ? 'cancelled' : 'ordered'}`,
          { guid, type: this.#record(guid).type },
        );
      }
    }
    this.#actor.send({ type: 'condition.add', targets, action, members, state, delay });
  }

  /**
   * Deploy `guids` (default: every resource not deployed yet) as one deployment group. Checks
   * first that every condition can hold: no cycle, no wait on a resource never deployed.
   */
  deploy(guids?: Guids, options: DeployOptions = {}): void {
    this.#assertRunning('deploy');
    const index = this.#index();
    const batch = (guids === undefined ? this.resources : this.#guids(guids)).filter(
      (guid) => !index.get(guid).deployed && index.get(guid).rank === 0,
    );
    const group = options.group ?? `group${++this.#groups}`;
    const waitAllReady = options.waitAllReady ?? true;
    const inBatch = new Set(batch);
    const deployed = (guid: string) => inBatch.has(guid) || index.get(guid).deployed;
    for (const guid of batch) {
      const record = this.#record(guid);
      for (const [pattern, rule] of Object.entries(record.resourceType.connectsTo)) {
        const count = record.connected(pattern).length;
        if (rule.min !== undefined && count < rule.min) {
          throw new InvalidConnectionError(
            `resource '${guid}' (${record.type}) must be connected to at least ${rule.min} ${pattern}, has ${count}`,
            { guid, type: record.type },
          );
        }
      }
      const entry = index.get(guid);
      for (const dependency of entry.dependsOn) {
        if (!deployed(dependency)) {
          throw new ConditionError(
            `resource '${guid}' (${record.type}) depends on '${dependency}' (${this.#record(dependency).type}), which is not deployed; deploy them together`,
            { guid, type: record.type },
          );
        }
      }
      for (const gate of Object.values(entry.gates)) {
        for (const w of gate.conditions) {
          if (w.kind !== 'condition') continue;
          const missing = w.members.find((member) => !deployed(member));
          if (missing !== undefined) {
            throw new ConditionError(
              `the ${gate.action} condition of '${guid}' waits for '${missing}' to reach ${w.state}, but '${missing}' is not part of any deployment`,
              { guid, type: record.type },
            );
          }
        }
      }
    }
    const barrier = waitAllReady ? [...(index.groups.get(group) ?? []), ...batch] : undefined;
    const cycle = findCycle(index, batch, barrier);
    if (cycle) throw new ConditionCycleError(cycle, (guid) => `'${guid}'`);
    if (batch.length === 0) return;
    this.#actor.send({ type: 'deploy', guids: batch, group, waitAllReady, autoStart: options.autoStart ?? true });
  }

  /** Start a deployed resource (as soon as it is READY and its START conditions hold). */
  start(guid: string): void {
    this.#request(guid, 'START');
  }

  /** Stop a started resource (once its STOP conditions hold). */
  stop(guid: string): void {
    this.#request(guid, 'STOP');
  }

  /** Resolves when every one of `guids` (default: all) is READY or later. */
  waitDeployed(guids?: Guids): Promise<void> {
    return this.#wait(guids, 'READY');
  }

  /** Resolves when every one of `guids` (default: all) is STARTED or later. */
  waitStarted(guids?: Guids): Promise<void> {
    return this.#wait(guids, 'STARTED');
  }

  /** Resolves when every one of `guids` (default: all) is STOPPED, FINISHED, FAILED or RELEASED. */
  waitFinished(guids?: Guids): Promise<void> {
    return this.#wait(guids, 'STOPPED');
  }

  /** Resolves when every one of `guids` (default: all) is RELEASED. */
  waitReleased(guids?: Guids): Promise<void> {
    return this.#wait(guids, 'RELEASED', { strict: true, deployedOnly: false });
  }

  /** The lifecycle state of a resource. */
  state(guid: string): ResourceState {
    return this.#context(guid).state;
  }

  getResource(guid: string): ResourceInfo {
    const context = this.#context(guid);
    const info: { -readonly [K in keyof ResourceInfo]: ResourceInfo[K] } = {
      guid,
      type: context.type,
      state: context.state,
      times: { ...context.times },
    };
    if (context.error !== undefined) {
      info.error = context.error;
      info.step = context.failedStep;
    }
    return info;
  }

  /** Release `guids` (default: all) and what depends on them, dependents first. */
  async release(guids?: Guids): Promise<void> {
    const list = guids === undefined ? this.resources : this.#guids(guids);
    if (this.#actor.getSnapshot().status !== 'active') return;
    const done = this.#watch(list, 'RELEASED', true);
    this.#actor.send({ type: 'release', guids: list });
    await done;
  }

  /** Release everything, then stop every actor. Safe to call more than once. */
  async shutdown(): Promise<void> {
    if (this.#actor.getSnapshot().status !== 'active') return;
    await this.release();
    this.#actor.send({ type: 'shutdown' });
  }

  #request(guid: string, action: 'START' | 'STOP'): void {
    this.#assertRunning(action.toLowerCase());
    const entry = this.#index().get(this.#record(guid).guid);
    if (!entry.deployed) {
      throw new InvalidActionError(`cannot ${action.toLowerCase()} '${guid}': it is not deployed`, {
        guid,
        type: this.#record(guid).type,
      });
    }
    this.#actor.send({ type: 'request', guid, action });
  }

  #wait(
    guids: Guids | undefined,
    state: ResourceState,
    options: { strict?: boolean; deployedOnly?: boolean } = {},
  ): Promise<void> {
    const list = guids === undefined ? this.resources : this.#guids(guids);
    if (this.status === 'aborted' && state !== 'RELEASED') {
      return Promise.reject(new ExperimentAbortedError(this.failures));
    }
    if (options.deployedOnly ?? true) {
      const index = this.#index();
      const idle = list.find((guid) => !index.get(guid).deployed && index.get(guid).rank === 0);
      if (idle !== undefined) {
        return Promise.reject(
          new InvalidActionError(`cannot wait for '${idle}' to reach ${state}: it is not deployed`, {
            guid: idle,
            type: this.#record(idle).type,
          }),
        );
      }
    }
    return new Promise<void>((resolve, reject) => {
      const pending: PendingWait = { reject };
      this.#waits.add(pending);
      this.#actor.send({
        type: 'watch.add',
        members: list,
        state,
        strict: options.strict ?? false,
        listener: () => {
          this.#waits.delete(pending);
          resolve();
        },
      });
    });
  }

  /** A watch that no abort rejects: for the engine's own waits. */
  #watch(members: readonly string[], state: ResourceState, strict: boolean): Promise<void> {
    return new Promise((resolve) => this.#actor.send({ type: 'watch.add', members, state, strict, listener: () => resolve() }));
  }

  #setAttribute(record: ResourceRecord, name: string, value: unknown): void {
    const spec = record.resourceType.attributes[name];
    if (!spec) throw new UnknownAttributeError(record.guid, record.type, name, Object.keys(record.resourceType.attributes));
    if (value === undefined) {
      record.attributes.delete(name);
      return;
    }
    record.attributes.set(name, coerceAttribute(spec, value, { guid: record.guid, type: record.type, attribute: name }));
  }

  #newGuid(type: ResourceType): string {
    const base = (type.type.split('::')[1] ?? 'resource').toLowerCase();
    let n = this.#counters.get(base) ?? 0;
    do n++;
    while (this.#records.has(`${base}${n}`));
    this.#counters.set(base, n);
    return `${base}${n}`;
  }

  #record(guid: string): ResourceRecord {
    const record = this.#records.get(guid);
    if (!record) throw new UnknownResourceError(guid, this.#records.keys());
    return record;
  }

  #guids(guids: Guids): string[] {
    const list = typeof guids === 'string' ? [guids] : [...guids];
    for (const guid of list) this.#record(guid);
    return list;
  }

  #index() {
    return this.#actor.getSnapshot().context.index;
  }

  #context(guid: string): ResourceContext {
    this.#record(guid);
    const actor = this.#actor.getSnapshot().context.actors.get(guid)!;
    return (actor.getSnapshot() as { context: ResourceContext }).context;
  }

  #assertRunning(what: string): void {
    const status = this.status;
    if (status === 'aborted') throw new ExperimentAbortedError(this.failures);
    if (this.#actor.getSnapshot().value !== 'running') {
      throw new InvalidActionError(`cannot ${what}: the experiment was shut down`);
    }
  }
}
