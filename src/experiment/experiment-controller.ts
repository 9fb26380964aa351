/**
 * The experiment controller: the API users call. Every request is checked by the experiment
 * model (model.ts) before anything changes, then handed to the controller machine, which owns
 * the resource actors, the conditions and the timers. Waits are condition watches too: no
 * polling anywhere. The run directory's records are kept by a recorder listening to the
 * machine (recorder.ts); backend sessions are opened and disposed of per experiment.
 */
import { createActor } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import { controllerMachine, type ConditionEvent, type ControllerActor, type Failure, type Interruption } from '../../machines/controller.js';
import { isResourceState, type ResourceAction, type ResourceState, type TryReport } from '../../machines/lifecycle.js';
import type { ResourceContext, ResourceInput, ResourceStateEvent } from '../../machines/resource.js';
import { ExperimentAbortedError, InvalidActionError } from '../errors.js';
import type { AttributeValue } from '../resources/attributes.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { resourceLogic } from '../resources/resource-logic.js';
import type { ResourceType } from '../resources/resource-type.js';
import { RunDirectory } from '../run/run-directory.js';
import { summariseRun, type RunSummary } from '../run/summary.js';
import type { TraceOptions } from '../run/traces.js';
import type { Duration } from '../time/duration.js';
import { realClock } from '../time/real-clock.js';
import { registerDescription } from './build.js';
import { listenToConditions } from './condition-listener.js';
import type { ExperimentDescription, ExperimentFileDescription } from './description.js';
import { ExperimentModel, type Guids } from './model.js';
import {
  resourceInfo,
  runIdentity,
  type DeployOptions,
  type ExperimentControllerOptions,
  type ExperimentStatus,
  type ResourceInfo,
  type ResumeOptions,
} from './options.js';
import { recordNothing, recordRun, type Recorder } from './recorder.js';
import { planRestore, takeOverRun } from './restore.js';
import { runToEnd } from './run-to-end.js';
import { shutDown } from './shutdown.js';
import { stateProblem, type ConditionOptions } from './rules.js';
import { Waits, type WaitOptions } from './waits.js';

export type { TraceAttr, TraceOptions } from '../run/traces.js';
export type { DeployOptions, ExperimentControllerOptions, ExperimentStatus, ResourceInfo, ResumeOptions } from './options.js';

/**
 * Describes, deploys, runs and releases one experiment: register resources, connections and conditions, deploy, wait, shut down.
 * @example
 * ```ts
 * const ec = new ExperimentController({ expId: 'hello' });
 * const node = ec.registerResource('dummy::Node');
 * const app = ec.registerResource('dummy::Application', { runTime: '1s' });
 * ec.registerConnection(node, app);
 * ec.deploy();
 * await ec.waitFinished(app);
 * const summary = await ec.shutdown();
 * ```
 */
export class ExperimentController {
  readonly expId: string;
  readonly runId: string;
  readonly localDir: string;
  /** `<localDir>/<expId>/<runId>`, absolute: where this run's files go. */
  readonly runDir: string;
  readonly clock: Clock;
  /** Where this controller looks resource types up by name (its options' `registry`). */
  readonly registry: TypeRegistry;
  readonly #actor: ControllerActor;
  readonly #model: ExperimentModel;
  readonly #recorder: Recorder;
  readonly #waits: Waits;
  readonly #startedAt: Date;
  #groups = 0;
  #shutdown: Promise<RunSummary> | undefined;

  /** A new experiment: its run directory, clock and type registry come from `options`. */
  constructor(options: ExperimentControllerOptions = {}) {
    ({ expId: this.expId, runId: this.runId, localDir: this.localDir, runDir: this.runDir } = runIdentity(options));
    this.#startedAt = options.startedAt ?? new Date();
    this.clock = options.clock ?? realClock;
    this.registry = options.registry ?? defaultRegistry;
    const run = new RunDirectory(this.runDir);
    const recording = options.record ?? true;
    this.#actor = createActor(controllerMachine, {
      id: 'controller',
      // the recorder listens to condition reports from the start
      input: { clock: this.clock, reportConditions: recording },
      clock: this.clock,
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    const { index } = this.#actor.getSnapshot().context;
    this.#model = new ExperimentModel({
      expId: this.expId,
      runId: this.runId,
      runDir: this.runDir,
      clock: this.clock,
      run,
      index,
      system: this.#actor,
      onTry: (report) => this.#actor.send({ type: 'step.try', report }),
    });
    this.#recorder = recording
      ? recordRun(this.#actor, run, {
          describe: () => this.describe(),
          typeOf: (guid) => this.#model.resource(guid)?.type,
          registry: this.registry,
          isCredential: (guid, name) => this.#model.record(guid).isCredential(name),
        })
      : recordNothing(run);
    this.#waits = new Waits(this.#actor, this.#model);
    this.#actor.start();
  }

  /**
   * The controller of an experiment held as data (a description, as `describe()` returns or
   * an experiment file holds), checked as a whole before it returns; nothing is deployed.
   * A problem is a DescriptionError naming the place of the description it comes from.
   */
  static fromDescription(description: ExperimentFileDescription, options: ExperimentControllerOptions = {}): ExperimentController {
    const expId = options.expId ?? description.expId;
    const ec = new ExperimentController({ ...options, ...(expId !== undefined ? { expId } : {}) });
    try {
      registerDescription(ec, description);
    } catch (error) {
      ec.#actor.stop();
      void ec.#model.sessions.disposeAll();
      throw error;
    }
    return ec;
  }

  /**
   * Continue the run in `runDir` whose controller died (SIGKILL, power loss): rebuild every
   * resource's state from the run directory, re-arm pending condition delays from their
   * original times, reattach to what still runs. The returned controller has resumed the
   * deployment; `run()` takes it to its end. See docs/reliability.md and restore.ts.
   */
  static async resume(runDir: string, options: ResumeOptions = {}): Promise<ExperimentController> {
    const { recorded, description, options: made } = await takeOverRun(runDir, options.registry ?? defaultRegistry, options);
    const ec = ExperimentController.fromDescription(description, made);
    const plan = await planRestore(recorded, (guid) => (ec.#model.resource(guid) ? ec.#model.record(guid) : undefined), ec.clock);
    options.beforeResume?.(ec);
    ec.#groups = 1; // one group, as `run()` deployed it; the next deploy() makes group2
    ec.#actor.send({ type: 'restore', ...plan, group: 'group1' });
    return ec;
  }

  /** The controller actor, for inspection and for listening to its emitted events. */
  get actor(): ControllerActor {
    return this.#actor;
  }

  /** Every registered guid, in registration order. */
  get resources(): string[] {
    return this.#model.guids();
  }

  /** Where the experiment is: see {@link ExperimentStatus}. */
  get status(): ExperimentStatus {
    const snapshot = this.#actor.getSnapshot();
    if (snapshot.context.outcome.aborted) return 'aborted';
    if (snapshot.context.outcome.interrupted) return 'interrupted';
    return snapshot.value === 'running' ? 'running' : 'released';
  }

  /** Why and when the run was stopped early (`run()`'s abort signal), and what had not ended then; undefined when it was not. */
  get interruption(): Interruption | undefined {
    return this.#actor.getSnapshot().context.outcome.interrupted;
  }

  /** Every failure so far, critical or not, in the order they happened. */
  get failures(): readonly Failure[] {
    return [...this.#actor.getSnapshot().context.failures];
  }

  /** Listen to the tries of steps that failed (with `nextDelay` when tried again) or succeeded after failures (docs/reliability.md). */
  onTry(listener: (report: TryReport) => void): () => void {
    const subscription = this.#actor.on('try', ({ report }) => listener(report));
    return () => subscription.unsubscribe();
  }

  /** Listen to every state change of every resource. Returns the unsubscribe function. */
  onStateChange(listener: (event: ResourceStateEvent) => void): () => void {
    const subscription = this.#actor.on('resource.state', listener);
    return () => subscription.unsubscribe();
  }

  /**
   * Listen to the user conditions: `held` when a group reached its state (`deadline`: when the
   * delay ends), `fired` when the action went out. Returns the unsubscribe function.
   */
  onCondition(listener: (event: ConditionEvent) => void): () => void {
    return listenToConditions(this.#actor, listener);
  }

  /** Register a resource of `type` (a registered name or a type object); returns its guid. */
  registerResource(type: string | ResourceType, attributes: Readonly<Record<string, unknown>> = {}, options: { name?: string } = {}): string {
    this.#assertRunning('register a resource');
    const record = this.#model.addResource(typeof type === 'string' ? this.registry.get(type) : type, attributes, options.name);
    const { guid } = record;
    const input: ResourceInput = { guid, type: record.type, plan: (step) => record.runs(step), now: () => this.clock.now(), handle: record };
    const actor = createActor(resourceLogic(record.resourceType), { parent: this.#actor, id: guid, input });
    this.#actor.send({ type: 'resource.add', guid, resourceType: record.type, critical: record.get('critical') !== false, actor });
    return guid;
  }

  /**
   * Set an attribute; checked against the type's declaration. Once the resource is deployed
   * only a `runtime` attribute may change (and `critical`): on a STARTED resource its type's
   * `set` step applies the change at once (`ec.actor.on('resource.changed')`); before STARTED it is the value the
   * resource starts with.
   */
  set(guid: string, name: string, value: unknown): void {
    const record = this.#model.record(guid);
    this.#assertRunning(`set '${name}' of '${guid}'`);
    const change = this.#model.setAttribute(record, name, value);
    if (change) this.#actor.send({ type: 'set', guid: record.guid, name, value: change.value });
    if (name === 'critical') this.#actor.send({ type: 'resource.critical', guid, critical: record.get('critical') !== false });
  }

  /** The value of attribute `name` of `guid` (its default when not set); throws for an attribute its type lacks. */
  get(guid: string, name: string): AttributeValue | undefined {
    return this.#model.attribute(guid, name);
  }

  /** Connect two resources; both types must accept the connection. */
  registerConnection(a: string, b: string): void {
    for (const [dependent, dependency] of this.#model.connect(a, b)) this.#actor.send({ type: 'resource.depend', dependent, dependency });
  }

  /** Disconnect two resources, before either is deployed (NEPI's unregister_connection); the connection rules are checked again at deploy. */
  unregisterConnection(a: string, b: string): void {
    this.#assertRunning('unregister a connection');
    for (const [dependent, dependency] of this.#model.disconnect(a, b)) this.#actor.send({ type: 'resource.undepend', dependent, dependency });
  }

  /**
   * NEPI's `unregister_condition`: the guids of `group` leave `guid`'s conditions on `action`
   * (every action, SET included, when absent); a condition left without a group is dropped, and
   * an action held back by it may go at once (a pending delay of the old condition is cancelled).
   */
  unregisterCondition(guid: string, group: Guids, action?: ResourceAction | 'SET'): void {
    this.#assertRunning('unregister a condition');
    this.#actor.send({ type: 'condition.remove', ...this.#model.removeConditions(guid, group, action) });
  }

  /**
   * Perform `action` on each of `guids` once every member of `group` reached `state` and `time` passed since the last did; with
   * `options.timeout`, give up after that long (`onTimeout` 'fail', the default, or 'skip'): docs/conditions.md#condition-timeouts.
   */
  registerCondition(guids: Guids, action: ResourceAction, group: Guids, state: ResourceState, time: Duration = 0, options: ConditionOptions = {}): void {
    this.#assertRunning('register a condition');
    // a STOP condition on a deployed resource makes it stop on its own, as deploy() does
    this.#actor.send({ type: 'condition.add', ...this.#model.addCondition(guids, action, group, state, time, options) });
  }

  /**
   * Give runtime attribute `name` the value `value` on each of `guids` once it is STARTED,
   * every member of `group` reached `state` and `time` passed since the last did (NEPI's
   * `set_with_conditions`); its type's `set` step applies it. A SET that comes due after the
   * resource left STARTED is dropped. docs/conditions.md#set.
   */
  setWithConditions(guids: Guids, name: string, value: unknown, group: Guids, state: ResourceState, time: Duration = 0, options: ConditionOptions = {}): void {
    this.#assertRunning('register a SET condition');
    this.#actor.send({ type: 'condition.add', ...this.#model.addCondition(guids, 'START', group, state, time, options, { name, value }) });
  }

  /**
   * Deploy `guids` (default: every resource not deployed yet) as one deployment group. Checks
   * first that every condition can hold: no cycle, no wait on a resource never deployed.
   */
  deploy(guids?: Guids, options: DeployOptions = {}): void {
    this.#assertRunning('deploy');
    const batch = this.#model.undeployed(guids);
    const group = options.group ?? `group${++this.#groups}`;
    const waitAllReady = options.waitAllReady ?? true;
    this.#model.checkDeployable(batch, group, waitAllReady);
    if (batch.length > 0) this.#actor.send({ type: 'deploy', guids: batch, group, waitAllReady, autoStart: options.autoStart ?? true });
  }

  /**
   * Check, without deploying anything, that every resource not deployed yet could be
   * deployed as one group: connections complete, conditions on deployed resources, no cycle.
   * Throws the error `deploy()` would throw.
   */
  validate(): void {
    this.#model.checkDeployable(this.#model.undeployed(), `group${this.#groups + 1}`, true);
  }

  /** The experiment as registered (resources with their type, attributes as given, connections, conditions): what `experiment.json` holds. */
  describe(): ExperimentDescription {
    return this.#model.describe();
  }

  /** Start a deployed resource (as soon as it is READY and its START conditions hold); a STOPPED one starts again when its type is `restartable`. */
  start(guid: string): void {
    this.#request(guid, 'START');
  }

  /** Stop a started resource (once its STOP conditions hold). */
  stop(guid: string): void {
    this.#request(guid, 'STOP');
  }

  /** Resolves when every one of `guids` (default: all) reached `state` or later (a non-critical failure counts, but not for RELEASED). */
  wait(guids: Guids | undefined, state: ResourceState): Promise<void> {
    if (!isResourceState(state)) throw new InvalidActionError(`cannot wait: ${stateProblem(state)!}`);
    const released = state === 'RELEASED';
    return this.#waits.wait(guids, state, released ? ({ strict: true, deployedOnly: false } satisfies WaitOptions) : {});
  }

  /** Resolves when every one of `guids` (default: all) is READY or later. */
  waitDeployed(guids?: Guids): Promise<void> {
    return this.wait(guids, 'READY');
  }

  /** Resolves when every one of `guids` (default: all) is STARTED or later. */
  waitStarted(guids?: Guids): Promise<void> {
    return this.wait(guids, 'STARTED');
  }

  /** Resolves when every one of `guids` (default: all) is STOPPED, FINISHED, FAILED or RELEASED. */
  waitFinished(guids?: Guids): Promise<void> {
    return this.wait(guids, 'STOPPED');
  }

  /** Resolves when every one of `guids` (default: all) is RELEASED. */
  waitReleased(guids?: Guids): Promise<void> {
    return this.wait(guids, 'RELEASED');
  }

  /** The guids of the resources connected to `guid`, in connection order; with `type` (a name or a pattern such as `linux::*`), only those of that type. */
  getConnected(guid: string, type?: string): string[] {
    return this.#model
      .record(guid)
      .connections(type)
      .map((record) => record.guid);
  }

  /** The guids of every resource of `type` (a name or a pattern such as `netns::*` or `a|b`), in registration order. */
  getResourcesByType(type: string): string[] {
    return this.#model.resources(type).map((record) => record.guid);
  }

  /** The resources that end by themselves (a `run` step that finishes, or STOP conditions); the others run until released. */
  endingResources(): string[] {
    return this.#model.endingResources();
  }

  /**
   * Run the experiment to its end and release it: deploy whatever is not deployed yet, wait
   * until every resource that ends by itself has ended (or everything started, when none
   * does), then shut down. An abort `signal` (Ctrl-C) releases everything early. Resolves
   * with the summary whatever happened; a critical failure shows as status 'aborted'.
   */
  async run(options: { signal?: AbortSignal } = {}): Promise<RunSummary> {
    await runToEnd(this, options.signal);
    return this.shutdown();
  }

  /** The lifecycle state of a resource. */
  state(guid: string): ResourceState {
    return this.#context(guid).state;
  }

  /** A resource's type, state, state times and failure, from its actor. */
  getResource(guid: string): ResourceInfo {
    return resourceInfo(guid, this.#context(guid));
  }

  /** Release `guids` (default: all) and what depends on them, dependents first. */
  async release(guids?: Guids): Promise<void> {
    const list = guids === undefined ? this.resources : this.#model.list(guids);
    if (this.#actor.getSnapshot().status !== 'active') return;
    const done = this.#waits.watch(list, 'RELEASED', true);
    this.#actor.send({ type: 'release', guids: list });
    await done;
  }

  /** Release everything, stop every actor, dispose of the sessions, write `summary.json` and the timeline; later calls share the outcome (shutdown.ts). */
  shutdown(): Promise<RunSummary> {
    this.#shutdown ??= shutDown({
      actor: this.#actor,
      model: this.#model,
      recorder: this.#recorder,
      release: () => this.release(),
      summary: () => this.summary(),
    });
    return this.#shutdown;
  }

  /** The run as it stands: status, failures, every resource's state and state times. */
  summary(): RunSummary {
    return summariseRun(
      this,
      this.#startedAt,
      this.#model.summarise((guid) => this.getResource(guid)),
    );
  }

  /** Collect trace `name` of `guid` (traces are on unless the type says otherwise). */
  enableTrace(guid: string, name: string): void {
    this.#model.traced(guid, name).setTraceEnabled(name, true);
  }

  /** Do not collect trace `name` of `guid`. */
  disableTrace(guid: string, name: string): void {
    this.#model.traced(guid, name).setTraceEnabled(name, false);
  }

  /** Whether trace `name` of `guid` is collected. */
  traceEnabled(guid: string, name: string): boolean {
    return this.#model.traced(guid, name).traceEnabled(name);
  }

  /** Read trace `name` of `guid`: all of it (default), `block` bytes at block `offset` ('stream'), its 'path' or 'size'; unwritten reads as empty. */
  trace(guid: string, name: string, options: TraceOptions & { attr: 'size' }): Promise<number>;
  trace(guid: string, name: string, options?: TraceOptions): Promise<string>;
  async trace(guid: string, name: string, options: TraceOptions = {}): Promise<string | number> {
    return this.#model.traced(guid, name).readTrace(name, options);
  }

  #request(guid: string, action: 'START' | 'STOP'): void {
    this.#assertRunning(action.toLowerCase());
    this.#actor.send({ type: 'request', guid: this.#model.requestable(guid, action).guid, action });
  }

  #context(guid: string): ResourceContext {
    const { guid: name } = this.#model.record(guid);
    const actor = this.#actor.getSnapshot().context.actors.get(name)!;
    return (actor.getSnapshot() as { context: ResourceContext }).context;
  }

  #assertRunning(what: string): void {
    if (this.status === 'aborted') throw new ExperimentAbortedError(this.failures);
    if (this.#actor.getSnapshot().value !== 'running') throw new InvalidActionError(`cannot ${what}: the experiment was shut down`);
  }
}
