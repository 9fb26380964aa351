/**
 * The experiment controller: the API users call. It validates every request before anything
 * changes, then hands it to the controller machine, which owns the resource actors, the
 * conditions and the timers. Waits are condition watches too: no polling anywhere.
 */
import { resolve } from 'node:path';
import { customAlphabet } from 'nanoid';
import { createActor, type InspectionEvent, type Observer } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import { controllerMachine, type ConditionEvent, type ControllerActor, type Failure } from '../../machines/controller.js';
import {
  isResourceAction,
  isResourceState,
  STATE_ORDER,
  stateRank,
  type ResourceAction,
  type ResourceState,
  type StepName,
} from '../../machines/lifecycle.js';
import type { ResourceContext, ResourceInput, ResourceStateEvent, RestoredResource } from '../../machines/resource.js';
import {
  ConditionError,
  ExperimentAbortedError,
  InvalidActionError,
  InvalidConnectionError,
  NepiError,
  RunStalledError,
  UnknownAttributeError,
  UnknownResourceError,
  suggest,
} from '../errors.js';
import { coerceAttribute, type AttributeValue } from '../resources/attributes.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { connectionRule, matchesType, resourceLogic, type ResourceType } from '../resources/resource-type.js';
import { toConditionRecord, toEventRecord, toTryRecord } from '../run/event-record.js';
import type { TryReport } from '../resources/step-runner.js';
import { RunDirectory } from '../run/run-directory.js';
import { summariseFailure, type RunSummary } from '../run/summary.js';
import { readTrace, type TraceOptions } from '../run/traces.js';
import { writeRunTimeline } from '../timeline/write.js';
import { parseDuration, type Duration } from '../time/duration.js';
import { realClock } from '../time/real-clock.js';
import { checkCondition, checkDeployable, endsByItself, isUndeployed, type CheckContext } from './deploy-checks.js';
import { checkConditionOptions, type ConditionOptions } from './condition-options.js';
import { describeExperiment, type RegisteredCondition } from './describe.js';
import { folderNameProblem } from '../run/folder-name.js';
import { watchStall } from './stall.js';
import type { ExperimentDescription } from './description.js';
import { ResourceRecord, type RecordEnvironment } from './resource-record.js';
import { throughDependencies, ThroughPatterns } from './through-dependencies.js';
import type { ResumeOptions } from './resume.js';
import { writeControllerRecord } from './resume-lock.js';

export type { TraceAttr, TraceOptions } from '../run/traces.js';

const shortId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 8);

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
  /**
   * Whether to record the run in its run directory: experiment.json, events.ndjson and
   * summary.json (default true). Traces that resources write (an application's stdout) go to
   * the run directory either way.
   */
  readonly record?: boolean;
  /** The run id (default: a new one). Resume continues a run in its own run directory. */
  readonly runId?: string;
  /**
   * @internal Used by `ExperimentController.resume`: the resources to restore in the state
   * their run directory recorded, by guid, with the scratch data their type's `reattach` found.
   */
  readonly restore?: ReadonlyMap<string, RestoredResource & { readonly data?: Readonly<Record<string, unknown>> }>;
  /** @internal Used by resume: when the run began (summary.json's `startedAt`; default: now). */
  readonly startedAt?: Date;
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
  /** `<localDir>/<expId>/<runId>`, absolute: where this run's files go. */
  readonly runDir: string;
  readonly clock: Clock;
  readonly #registry: TypeRegistry;
  readonly #actor: ControllerActor;
  readonly #records = new Map<string, ResourceRecord>();
  /** The `A > B` dependsOn patterns of the types registered so far. */
  readonly #through = new ThroughPatterns();
  readonly #waits = new Set<PendingWait>();
  readonly #counters = new Map<string, number>();
  readonly #conditions: RegisteredCondition[] = [];
  readonly #run: RunDirectory;
  readonly #recording: boolean;
  readonly #env: RecordEnvironment;
  readonly #checks: CheckContext;
  readonly #startedAt: Date;
  #groups = 0;
  /** Listeners of onCondition(): while there are some, the controller reports conditions. */
  #conditionListeners = 0;
  readonly #tryListeners = new Set<(report: TryReport) => void>();
  /** Set by the first deploy(): from then on the run directory records the run. */
  #deployed = false;
  readonly #restore: ExperimentControllerOptions['restore'];
  #shutdown: Promise<RunSummary> | undefined;

  constructor(options: ExperimentControllerOptions = {}) {
    this.expId = options.expId ?? `exp-${shortId()}`;
    const badExpId = folderNameProblem(this.expId);
    if (badExpId !== undefined) throw new NepiError(`invalid expId: ${badExpId}; the run directory is <localDir>/<expId>/<runId>`);
    this.runId = options.runId ?? `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${shortId()}`;
    this.#restore = options.restore;
    this.#startedAt = options.startedAt ?? new Date();
    this.localDir = options.localDir ?? 'nepi-runs';
    this.clock = options.clock ?? realClock;
    this.#registry = options.registry ?? defaultRegistry;
    // absolute: commands run in their own folders and must find the run directory from there
    this.runDir = resolve(this.localDir, this.expId, this.runId);
    this.#run = new RunDirectory(this.runDir);
    this.#recording = options.record ?? true;
    this.#env = {
      lookup: (guid) => this.#record(guid),
      clock: this.clock,
      expId: this.expId,
      runId: this.runId,
      runDir: this.runDir,
      run: this.#run,
      onTry: (report) => this.#reportTry(report),
    };
    this.#actor = createActor(controllerMachine, {
      id: 'controller',
      input: { clock: this.clock, reportConditions: this.#recording },
      clock: this.clock,
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    this.#checks = { index: this.#actor.getSnapshot().context.index, record: (guid) => this.#record(guid) };
    this.#actor.on('aborted', ({ failures }) => {
      const error = new ExperimentAbortedError(failures);
      for (const wait of [...this.#waits]) wait.reject(error);
      this.#waits.clear();
    });
    if (this.#recording) {
      this.#actor.on('resource.state', (event) => {
        if (this.#deployed && !event.replayed) this.#run.appendEvent(toEventRecord(event, this.#records.get(event.guid)?.type));
      });
      this.#actor.on('condition', (event) => {
        if (this.#deployed) this.#run.appendEvent(toConditionRecord(event));
      });
    }
    this.#actor.start();
  }

  /**
   * Build a controller from an experiment file (YAML or JSON), checked as a whole before it
   * returns: see docs/experiment-files.md. `options.expId` overrides the file's.
   */
  static async load(path: string, options: ExperimentControllerOptions = {}): Promise<ExperimentController> {
    const { loadExperimentFile } = await import('../files/load.js');
    return loadExperimentFile(path, options);
  }

  /** Write the experiment as registered to `path`: YAML for .yaml/.yml, JSON for .json. */
  async save(path: string): Promise<void> {
    const { saveExperimentFile } = await import('../files/save.js');
    await saveExperimentFile(this, path);
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

  /**
   * Listen to the tries of steps: each try that failed (its error, and `nextDelay` when it
   * will be tried again) and a try that succeeded after failed ones. Returns the unsubscribe
   * function. See docs/reliability.md.
   */
  onTry(listener: (report: TryReport) => void): () => void {
    this.#tryListeners.add(listener);
    return () => this.#tryListeners.delete(listener);
  }

  #reportTry(report: TryReport): void {
    if (this.#recording && this.#deployed) this.#run.appendEvent(toTryRecord(report, this.#records.get(report.guid)?.type));
    for (const listener of [...this.#tryListeners]) listener(report);
  }

  /** Listen to every state change of every resource. Returns the unsubscribe function. */
  onStateChange(listener: (event: ResourceStateEvent) => void): () => void {
    return this.#actor.on('resource.state', listener).unsubscribe;
  }

  /**
   * Listen to the conditions registered with `registerCondition`: `held` when a condition's
   * group reached its state (with the `deadline` at which its delay ends), `fired` when the
   * action it gated was released. Returns the unsubscribe function.
   */
  onCondition(listener: (event: ConditionEvent) => void): () => void {
    const subscription = this.#actor.on('condition', listener);
    if (this.#conditionListeners++ === 0 && !this.#recording) this.#reportConditions(true);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      subscription.unsubscribe();
      if (--this.#conditionListeners === 0 && !this.#recording) this.#reportConditions(false);
    };
  }

  #reportConditions(on: boolean): void {
    if (this.#actor.getSnapshot().status === 'active') this.#actor.send({ type: 'conditions.report', on });
  }

  /**
   * Continue the run in `runDir` whose controller died (SIGKILL, power loss): rebuild every
   * resource's state from the run directory, re-arm pending condition delays from their
   * original times, reattach to what still runs. The returned controller has resumed the
   * deployment; `run()` takes it to its end. See docs/reliability.md.
   */
  static async resume(runDir: string, options: ResumeOptions = {}): Promise<ExperimentController> {
    const { resumeRun } = await import('./resume.js');
    return resumeRun(runDir, options);
  }

  /**
   * @internal Used by resume: record the run from now on, as after deploy(), starting with
   * `marker` (the run was deployed before the crash; experiment.json is there already).
   */
  recordResumed(marker: object): void {
    this.#deployed = true;
    if (this.#recording) this.#run.appendEvent(marker);
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
    const badName = folderNameProblem(guid);
    if (badName !== undefined) throw new NepiError(`invalid resource name: ${badName}: a resource's traces go to <runDir>/<name>/`, { guid });
    if (this.#records.has(guid)) throw new NepiError(`a resource named '${guid}' already exists`, { guid });
    const record = new ResourceRecord(guid, resourceType, this.#env);
    this.#through.add(resourceType);
    for (const [name, value] of Object.entries(attributes)) this.#setAttribute(record, name, value);
    this.#records.set(guid, record);
    const input: ResourceInput = {
      guid,
      type: resourceType.type,
      plan: (step: StepName) => record.runs(step),
      now: () => this.clock.now(),
      handle: record,
    };
    const restored = this.#restore?.get(guid);
    if (restored) {
      const { data, ...restore } = restored;
      Object.assign(record.data, data);
      Object.assign(input, { restore });
    }
    const actor = createActor(resourceLogic(resourceType), { parent: this.#actor, id: guid, input });
    this.#actor.send({ type: 'resource.add', guid, resourceType: resourceType.type, critical: record.get('critical') !== false, actor });
    return guid;
  }

  /** Set an attribute; checked against the type's declaration. */
  set(guid: string, name: string, value: unknown): void {
    const record = this.#record(guid);
    this.#assertRunning(`set '${name}' of '${guid}'`);
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
      const [pattern, rule] = connectionRule(from.resourceType, to.type) ?? [];
      if (!rule || pattern === undefined) {
        throw new InvalidConnectionError(
          `resource '${from.guid}' (${from.type}) cannot connect to '${to.guid}' (${to.type}); ${from.type} connects to ${
            Object.keys(from.resourceType.connectsTo).join(', ') || 'nothing'
          }`,
          { guid: from.guid, type: from.type },
        );
      }
      if (rule.max !== undefined && from.connected(pattern).length >= rule.max) {
        throw new InvalidConnectionError(
          `resource '${from.guid}' (${from.type}) already has ${rule.max} connection(s) to ${pattern}, the most it takes`,
          { guid: from.guid, type: from.type },
        );
      }
    }
    const index = this.#index();
    const dependencies = ([
      [ra, rb],
      [rb, ra],
    ] as const).filter(([dependent, dependency]) =>
      dependent.resourceType.dependsOn.some((pattern) => matchesType(pattern, dependency.type)),
    );
    for (const [dependent, dependency] of dependencies) {
      if (index.get(dependent.guid).deployed) {
        throw new InvalidConnectionError(
          `resource '${dependent.guid}' is already deployed; connect it to '${dependency.guid}' before deploying it`,
          { guid: dependent.guid, type: dependent.type },
        );
      }
    }
    ra.connections.add(b);
    rb.connections.add(a);
    for (const [dependent, dependency] of dependencies) {
      this.#actor.send({ type: 'resource.depend', dependent: dependent.guid, dependency: dependency.guid });
    }
    // `A > B` dependencies; a resource already deployed keeps the order it was deployed in
    for (const [dependent, dependency] of throughDependencies(ra, rb, this.#through)) {
      if (index.get(dependent.guid).deployed) continue;
      this.#actor.send({ type: 'resource.depend', dependent: dependent.guid, dependency: dependency.guid });
    }
  }

  /**
   * Perform `action` on each of `guids` only once every member of `group` reached `state`,
   * and `time` has passed since the last of them did. With `options.timeout`, give up after
   * that long: fail the waiting resource (`onTimeout: 'fail'`, the default) or drop the
   * condition (`'skip'`); see docs/conditions.md#condition-timeouts.
   */
  registerCondition(
    guids: Guids,
    action: ResourceAction,
    group: Guids,
    state: ResourceState,
    time: Duration = 0,
    options: ConditionOptions = {},
  ): void {
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
    const { timeout, onTimeout } = checkConditionOptions(action, options);
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
    checkCondition(this.#checks, { targets, action, members, state });
    this.#conditions.push({ targets, action, group: members, state, time, ...(timeout > 0 ? { timeout: options.timeout!, onTimeout } : {}) });
    this.#actor.send({ type: 'condition.add', targets, action, members, state, delay, ...(timeout > 0 ? { timeout, onTimeout } : {}) });
    if (action === 'STOP') {
      // deployed resources with STOP conditions stop on their own, as at deploy()
      for (const guid of targets) if (index.get(guid).deployed) this.#actor.send({ type: 'request', guid, action });
    }
  }

  /**
   * Deploy `guids` (default: every resource not deployed yet) as one deployment group. Checks
   * first that every condition can hold: no cycle, no wait on a resource never deployed.
   */
  deploy(guids?: Guids, options: DeployOptions = {}): void {
    this.#assertRunning('deploy');
    const index = this.#index();
    const batch = (guids === undefined ? this.resources : this.#guids(guids)).filter((guid) => isUndeployed(index, guid));
    const group = options.group ?? `group${++this.#groups}`;
    const waitAllReady = options.waitAllReady ?? true;
    checkDeployable(this.#checks, batch, group, waitAllReady);
    if (batch.length === 0) return;
    this.#deployed = true;
    if (this.#recording) {
      this.#run.writeExperiment(this.describe());
      writeControllerRecord(this.runDir);
    }
    this.#actor.send({ type: 'deploy', guids: batch, group, waitAllReady, autoStart: options.autoStart ?? true });
  }

  /**
   * Check, without deploying anything, that every resource not deployed yet could be
   * deployed as one group: connections complete, conditions on deployed resources, no cycle.
   * Throws the error `deploy()` would throw.
   */
  validate(): void {
    const index = this.#index();
    const pending = this.resources.filter((guid) => isUndeployed(index, guid));
    checkDeployable(this.#checks, pending, `group${this.#groups + 1}`, true);
  }

  /**
   * The experiment as registered: resources by name with their type, the attributes set on
   * them (as given), their connections and their conditions. What `experiment.json` holds.
   */
  describe(): ExperimentDescription {
    return describeExperiment(this.expId, this.#records, this.#conditions);
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

  /**
   * The resources that end by themselves: those that run something that finishes (a `run`
   * step) or have STOP conditions. The others (a node, a server that runs until stopped)
   * keep going until released.
   */
  endingResources(): string[] {
    const index = this.#index();
    return this.resources.filter((guid) => endsByItself(this.#record(guid)) || index.hasConditions(guid, 'STOP'));
  }

  /**
   * Run the experiment to its end and release it: deploy whatever is not deployed yet, wait
   * until every resource that ends by itself has ended (or everything started, when none
   * does), then shut down. An abort `signal` (Ctrl-C) releases everything early. Resolves
   * with the summary whatever happened; a critical failure shows as status 'aborted'.
   */
  async run(options: { signal?: AbortSignal } = {}): Promise<RunSummary> {
    const { signal } = options;
    if (this.status === 'running' && !signal?.aborted) {
      this.deploy();
      const ending = this.endingResources();
      const done = ending.length > 0 ? this.waitFinished(ending) : this.waitStarted();
      let onAbort: (() => void) | undefined;
      const interrupted = new Promise<void>((resolve) => {
        onAbort = resolve;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      // a run that can make no more progress fails what it still waits for (docs/reliability.md)
      const stopWatching = watchStall(this.#actor, () => this.#failStranded(ending.length > 0 ? ending : this.resources, ending.length > 0 ? 'STOPPED' : 'STARTED'));
      await Promise.race([done, interrupted])
        .catch((error: unknown) => {
          if (!(error instanceof ExperimentAbortedError)) throw error;
        })
        .finally(() => {
          stopWatching();
          if (onAbort) signal?.removeEventListener('abort', onAbort); // one signal may serve many runs
        });
    }
    return this.shutdown();
  }

  /**
   * The run stalled: fail what it still waits for, naming the conditions that can no longer
   * hold. First only the resources held back by their own conditions (failing them may let
   * the others go on: a barrier, a dependency); all of them when none is.
   */
  #failStranded(guids: readonly string[], state: ResourceState): void {
    const index = this.#index();
    const stranded = guids
      .filter((guid) => index.reachedAt(guid, stateRank(state), false) === undefined)
      .map((guid) => {
        const entry = index.get(guid);
        const action = entry.rank < stateRank('READY') ? 'DEPLOY' : entry.rank < stateRank('STARTED') ? 'START' : 'STOP';
        const unmet = (entry.gates[action]?.conditions ?? []).filter((w) => !w.satisfied);
        return { guid, action, unmet, own: unmet.some((w) => w.kind === 'condition') };
      });
    const first = stranded.some((s) => s.own) ? stranded.filter((s) => s.own) : stranded;
    for (const { guid, action, unmet } of first) {
      const waits = unmet.map((w) => `${w.members.map((m) => `'${m}'`).join(', ')} to reach ${w.state} (${w.kind})`);
      const error = new RunStalledError(
        `the run stalled: nothing can happen any more and its ${action} still waits for ${waits.join(' and ') || 'an order that never came'}`,
        { guid, type: this.#record(guid).type },
      );
      const actor = this.#actor.getSnapshot().context.actors.get(guid);
      if (actor?.getSnapshot().status === 'active') actor.send({ type: 'FAIL', error });
    }
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

  /**
   * Release everything, stop every actor and write `summary.json` and the timeline
   * (`timeline.html`, `timeline.svg`). Calls after the first
   * (even while it runs) share its outcome; returns the summary.
   */
  shutdown(): Promise<RunSummary> {
    this.#shutdown ??= (async () => {
      if (this.#actor.getSnapshot().status === 'active') {
        await this.release();
        this.#actor.send({ type: 'shutdown' });
      }
      const summary = this.summary();
      if (this.#recording && this.#deployed) this.#run.writeSummary(summary);
      this.#run.close();
      if (this.#recording && this.#deployed) await writeRunTimeline(this.runDir);
      return summary;
    })();
    return this.#shutdown;
  }

  /** The run as it stands: status, failures, every resource's state and state times. */
  summary(): RunSummary {
    const resources: Record<string, RunSummary['resources'][string]> = {};
    for (const guid of this.resources) {
      const { type, state, times } = this.getResource(guid);
      const results = this.#record(guid).results;
      resources[guid] = { type, state, times, ...(Object.keys(results).length > 0 ? { results: { ...results } } : {}) };
    }
    return {
      expId: this.expId,
      runId: this.runId,
      runDir: this.runDir,
      status: this.status,
      startedAt: this.#startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      failures: this.failures.map(summariseFailure),
      resources,
    };
  }

  /** Collect trace `name` of `guid` (traces are on unless the type says otherwise). */
  enableTrace(guid: string, name: string): void {
    this.#record(guid).traces.add(this.#traceName(guid, name));
  }

  disableTrace(guid: string, name: string): void {
    this.#record(guid).traces.delete(this.#traceName(guid, name));
  }

  traceEnabled(guid: string, name: string): boolean {
    return this.#record(guid).traces.has(this.#traceName(guid, name));
  }

  /**
   * Read trace `name` of `guid`: its whole content ('all', the default), `block` bytes at
   * block index `offset` ('stream'), its file path ('path') or its size in bytes ('size').
   * A trace not written yet reads as empty.
   */
  trace(guid: string, name: string, options: TraceOptions & { attr: 'size' }): Promise<number>;
  trace(guid: string, name: string, options?: TraceOptions): Promise<string>;
  async trace(guid: string, name: string, options: TraceOptions = {}): Promise<string | number> {
    return readTrace(this.#record(guid).tracePath(this.#traceName(guid, name)), options);
  }

  #traceName(guid: string, name: string): string {
    const record = this.#record(guid);
    if (!Object.hasOwn(record.resourceType.traces, name)) {
      const known = Object.keys(record.resourceType.traces);
      throw new NepiError(
        `resource '${guid}' (${record.type}) has no trace '${name}'${suggest(name, known)}; its traces: ${known.join(', ') || 'none'}`,
        { guid, type: record.type },
      );
    }
    return name;
  }

  #request(guid: string, action: 'START' | 'STOP'): void {
    this.#assertRunning(action.toLowerCase());
    const record = this.#record(guid);
    if (!this.#index().get(guid).deployed) {
      throw new InvalidActionError(`cannot ${action.toLowerCase()} '${guid}': it is not deployed`, { guid, type: record.type });
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
    if (this.#actor.getSnapshot().status !== 'active') {
      // shut down: nothing moves any more, so answer from the states as they ended
      const index = this.#index();
      const rank = stateRank(state);
      const behind = list.find((guid) => index.reachedAt(guid, rank, options.strict ?? false) === undefined);
      return behind === undefined
        ? Promise.resolve()
        : Promise.reject(new InvalidActionError(`'${behind}' will never reach ${state}: the experiment was shut down`, { guid: behind }));
    }
    if (options.deployedOnly ?? true) {
      const index = this.#index();
      const idle = list.find((guid) => isUndeployed(index, guid));
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

  /** A watch that no abort rejects: for the engine's own waits while the controller runs. */
  #watch(members: readonly string[], state: ResourceState, strict: boolean): Promise<void> {
    return new Promise((resolve) => this.#actor.send({ type: 'watch.add', members, state, strict, listener: () => resolve() }));
  }

  #setAttribute(record: ResourceRecord, name: string, value: unknown): void {
    const spec = record.resourceType.attributes[name];
    if (!spec) throw new UnknownAttributeError(record.guid, record.type, name, Object.keys(record.resourceType.attributes));
    if (value === undefined) {
      // back to the type's default (or unset when it has none)
      if (spec.default === undefined) record.attributes.delete(name);
      else record.attributes.set(name, spec.default);
      record.given.delete(name);
      return;
    }
    record.attributes.set(name, coerceAttribute(spec, value, { guid: record.guid, type: record.type, attribute: name }));
    record.given.set(name, value);
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
