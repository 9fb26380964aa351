/**
 * The experiment controller: the API users call. Every request is checked by the experiment
 * model (model.ts) before anything changes, then handed to the controller machine, which owns
 * the resource actors, the conditions and the timers. Waits are condition watches too: no
 * polling anywhere. The run directory's records are kept by a recorder listening to the
 * machine (recorder.ts); backend sessions are opened and disposed of per experiment.
 */
import { basename, dirname, resolve } from 'node:path';
import { customAlphabet } from 'nanoid';
import { createActor, type InspectionEvent, type Observer } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import { controllerMachine, type ConditionEvent, type ControllerActor, type Failure } from '../../machines/controller.js';
import type { ResourceAction, ResourceState, TryReport } from '../../machines/lifecycle.js';
import type { ResourceContext, ResourceInput, ResourceStateEvent } from '../../machines/resource.js';
import { ExperimentAbortedError, InvalidActionError, NepiError, suggest } from '../errors.js';
import type { AttributeValue } from '../resources/attributes.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { resourceLogic } from '../resources/resource-logic.js';
import type { ResourceType } from '../resources/resource-type.js';
import { folderNameProblem } from '../run/folder-name.js';
import { readRecordedRun } from '../run/recorded-run.js';
import { RunDirectory } from '../run/run-directory.js';
import { summariseFailure, type RunSummary } from '../run/summary.js';
import type { TraceOptions } from '../run/traces.js';
import type { Duration } from '../time/duration.js';
import { realClock } from '../time/real-clock.js';
import { registerDescription } from './build.js';
import { checkExperiment } from './check-description.js';
import { isUndeployed } from './deploy-checks.js';
import type { ExperimentDescription, ExperimentFileDescription } from './description.js';
import { ExperimentModel, type Guids } from './model.js';
import { recordNothing, recordRun, type Recorder } from './recorder.js';
import { planRestore } from './restore.js';
import { assertNoLiveController, writeControllerRecord } from './resume-lock.js';
import { runToEnd } from './run-to-end.js';
import type { ConditionOptions } from './rules.js';
import { Waits, type WaitOptions } from './waits.js';

export type { TraceAttr, TraceOptions } from '../run/traces.js';

const shortId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 8);

export interface ExperimentControllerOptions {
  /** The experiment's name; a run directory lives under `<localDir>/<expId>/<runId>/`. */
  readonly expId?: string;
  readonly localDir?: string;
  /** Every timer of the engine and of the dummy backend; a VirtualClock runs in virtual time. */
  readonly clock?: Clock;
  /** An XState inspection observer: the controller, every resource actor and the backends' actors appear in it. */
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

export interface ResumeOptions {
  /** The clock the resumed run goes on with (default: the real clock, as recorded times are). */
  readonly clock?: Clock;
  readonly registry?: TypeRegistry;
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Called with the controller once it is built and its resources were found again, before
   * they go on: listen to it here (`ec.onStateChange`) to see what happens at the resume
   * itself (an end found by reattach, a delay that ended while no controller ran).
   */
  readonly beforeResume?: (ec: ExperimentController) => void;
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

export class ExperimentController {
  readonly expId: string;
  readonly runId: string;
  readonly localDir: string;
  /** `<localDir>/<expId>/<runId>`, absolute: where this run's files go. */
  readonly runDir: string;
  readonly clock: Clock;
  readonly #registry: TypeRegistry;
  readonly #actor: ControllerActor;
  readonly #model: ExperimentModel;
  readonly #recorder: Recorder;
  readonly #waits: Waits;
  readonly #startedAt: Date;
  readonly #tryListeners = new Set<(report: TryReport) => void>();
  #groups = 0;
  /** Listeners of onCondition(): while there are some, the controller reports conditions. */
  #conditionListeners = 0;
  readonly #recording: boolean;
  #shutdown: Promise<RunSummary> | undefined;

  constructor(options: ExperimentControllerOptions = {}) {
    this.expId = options.expId ?? `exp-${shortId()}`;
    const badExpId = folderNameProblem(this.expId);
    if (badExpId !== undefined) throw new NepiError(`invalid expId: ${badExpId}; the run directory is <localDir>/<expId>/<runId>`);
    this.runId = options.runId ?? `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${shortId()}`;
    this.#startedAt = options.startedAt ?? new Date();
    this.localDir = options.localDir ?? 'nepi-runs';
    this.clock = options.clock ?? realClock;
    this.#registry = options.registry ?? defaultRegistry;
    // absolute: commands run in their own folders and must find the run directory from there
    this.runDir = resolve(this.localDir, this.expId, this.runId);
    const run = new RunDirectory(this.runDir);
    this.#recording = options.record ?? true;
    this.#actor = createActor(controllerMachine, {
      id: 'controller',
      input: { clock: this.clock, reportConditions: this.#recording },
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
    this.#recorder = this.#recording ? recordRun(this.#actor, run, { describe: () => this.describe(), typeOf: (guid) => this.#model.resource(guid)?.type }) : recordNothing(run);
    this.#waits = new Waits(this.#actor, this.#model);
    this.#actor.on('try', ({ report }) => {
      for (const listener of [...this.#tryListeners]) listener(report);
    });
    this.#actor.start();
  }

  /**
   * The controller of an experiment held as data (a description, as `describe()` returns or
   * an experiment file holds), checked as a whole before it returns; nothing is deployed.
   * A problem is a DescriptionError naming the place of the description it comes from.
   */
  static fromDescription(description: ExperimentFileDescription, options: ExperimentControllerOptions = {}): ExperimentController {
    const ec = new ExperimentController({ ...options, ...(options.expId === undefined && description.expId !== undefined ? { expId: description.expId } : {}) });
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
    const dir = resolve(runDir);
    const recorded = readRecordedRun(dir);
    assertNoLiveController(dir);
    // this process drives the run from now on: a second resume started while this one asks
    // the types what is still there (up to REATTACH_TIMEOUT_MS) must find it, not the dead one
    writeControllerRecord(dir);
    const registry = options.registry ?? defaultRegistry;
    const checked = checkExperiment(recorded.description, registry);
    const [problem] = checked.problems;
    if (problem) throw new NepiError(`${resolve(dir, 'experiment.json')}: ${problem.problem}`);
    const ec = ExperimentController.fromDescription(checked.description, {
      localDir: dirname(dirname(dir)),
      expId: basename(dirname(dir)),
      runId: basename(dir),
      registry,
      startedAt: recorded.startedAt,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    const plan = await planRestore(recorded, (guid) => (ec.#model.resource(guid) ? ec.#model.record(guid) : undefined), ec.clock);
    options.beforeResume?.(ec);
    // one group, as `run()` deployed it; the next deploy() makes group2
    ec.#groups = 1;
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

  /** Register a resource of `type` (a registered name or a type object); returns its guid. */
  registerResource(type: string | ResourceType, attributes: Readonly<Record<string, unknown>> = {}, options: { name?: string } = {}): string {
    this.#assertRunning('register a resource');
    const record = this.#model.addResource(typeof type === 'string' ? this.#registry.get(type) : type, attributes, options.name);
    const { guid } = record;
    const input: ResourceInput = { guid, type: record.type, plan: (step) => record.runs(step), now: () => this.clock.now(), handle: record };
    const actor = createActor(resourceLogic(record.resourceType), { parent: this.#actor, id: guid, input });
    this.#actor.send({ type: 'resource.add', guid, resourceType: record.type, critical: record.get('critical') !== false, actor });
    return guid;
  }

  /** Set an attribute; checked against the type's declaration. */
  set(guid: string, name: string, value: unknown): void {
    const record = this.#model.record(guid);
    this.#assertRunning(`set '${name}' of '${guid}'`);
    this.#model.setAttribute(record, name, value);
    if (name === 'critical') this.#actor.send({ type: 'resource.critical', guid, critical: record.get('critical') !== false });
  }

  get(guid: string, name: string): AttributeValue | undefined {
    return this.#model.attribute(guid, name);
  }

  /** Connect two resources; both types must accept the connection. */
  registerConnection(a: string, b: string): void {
    for (const [dependent, dependency] of this.#model.connect(a, b)) this.#actor.send({ type: 'resource.depend', dependent, dependency });
  }

  /**
   * Perform `action` on each of `guids` only once every member of `group` reached `state`,
   * and `time` has passed since the last of them did. With `options.timeout`, give up after
   * that long: fail the waiting resource (`onTimeout: 'fail'`, the default) or drop the
   * condition (`'skip'`); see docs/conditions.md#condition-timeouts.
   */
  registerCondition(guids: Guids, action: ResourceAction, group: Guids, state: ResourceState, time: Duration = 0, options: ConditionOptions = {}): void {
    this.#assertRunning('register a condition');
    const condition = this.#model.addCondition(guids, action, group, state, time, options);
    this.#actor.send({ type: 'condition.add', ...condition });
    if (action === 'STOP') {
      // deployed resources with STOP conditions stop on their own, as at deploy()
      for (const guid of condition.targets) if (this.#model.index.get(guid).deployed) this.#actor.send({ type: 'request', guid, action });
    }
  }

  /**
   * Deploy `guids` (default: every resource not deployed yet) as one deployment group. Checks
   * first that every condition can hold: no cycle, no wait on a resource never deployed.
   */
  deploy(guids?: Guids, options: DeployOptions = {}): void {
    this.#assertRunning('deploy');
    const index = this.#model.index;
    const batch = (guids === undefined ? this.resources : this.#model.list(guids)).filter((guid) => isUndeployed(index, guid));
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
    const index = this.#model.index;
    this.#model.checkDeployable(
      this.resources.filter((guid) => isUndeployed(index, guid)),
      `group${this.#groups + 1}`,
      true,
    );
  }

  /**
   * The experiment as registered: resources by name with their type, the attributes set on
   * them (as given), their connections and their conditions. What `experiment.json` holds.
   */
  describe(): ExperimentDescription {
    return this.#model.describe();
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
    return this.#waits.wait(guids, 'READY');
  }

  /** Resolves when every one of `guids` (default: all) is STARTED or later. */
  waitStarted(guids?: Guids): Promise<void> {
    return this.#waits.wait(guids, 'STARTED');
  }

  /** Resolves when every one of `guids` (default: all) is STOPPED, FINISHED, FAILED or RELEASED. */
  waitFinished(guids?: Guids): Promise<void> {
    return this.#waits.wait(guids, 'STOPPED');
  }

  /** Resolves when every one of `guids` (default: all) is RELEASED. */
  waitReleased(guids?: Guids): Promise<void> {
    return this.#waits.wait(guids, 'RELEASED', { strict: true, deployedOnly: false } satisfies WaitOptions);
  }

  /**
   * The resources that end by themselves: those that run something that finishes (a `run`
   * step) or have STOP conditions. The others (a node, a server that runs until stopped)
   * keep going until released.
   */
  endingResources(): string[] {
    const index = this.#model.index;
    return this.#model.resources().flatMap((record) =>
      (record.runs('run') && record.resourceType.runWatches !== true) || index.hasConditions(record.guid, 'STOP') ? [record.guid] : [],
    );
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

  getResource(guid: string): ResourceInfo {
    const context = this.#context(guid);
    return {
      guid,
      type: context.type,
      state: context.state,
      times: { ...context.times },
      ...(context.error !== undefined ? { error: context.error, step: context.failedStep } : {}),
    };
  }

  /** Release `guids` (default: all) and what depends on them, dependents first. */
  async release(guids?: Guids): Promise<void> {
    const list = guids === undefined ? this.resources : this.#model.list(guids);
    if (this.#actor.getSnapshot().status !== 'active') return;
    const done = this.#waits.watch(list, 'RELEASED', true);
    this.#actor.send({ type: 'release', guids: list });
    await done;
  }

  /**
   * Release everything, stop every actor, dispose of the backends' sessions and write
   * `summary.json` and the timeline (`timeline.html`, `timeline.svg`). Calls after the first
   * (even while it runs) share its outcome; returns the summary.
   */
  shutdown(): Promise<RunSummary> {
    this.#shutdown ??= (async () => {
      if (this.#actor.getSnapshot().status === 'active') {
        await this.release();
        this.#actor.send({ type: 'shutdown' });
      }
      const problems = await this.#model.sessions.disposeAll();
      const summary = this.summary();
      const complete = problems.length > 0 ? { ...summary, problems } : summary;
      await this.#recorder.close(complete);
      return complete;
    })();
    return this.#shutdown;
  }

  /** The run as it stands: status, failures, every resource's state and state times. */
  summary(): RunSummary {
    const resources: Record<string, RunSummary['resources'][string]> = {};
    for (const record of this.#model.resources()) {
      const { type, state, times } = this.getResource(record.guid);
      const results = record.measured();
      resources[record.guid] = { type, state, times, ...(results ? { results } : {}) };
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
    this.#traced(guid, name).setTraceEnabled(name, true);
  }

  disableTrace(guid: string, name: string): void {
    this.#traced(guid, name).setTraceEnabled(name, false);
  }

  traceEnabled(guid: string, name: string): boolean {
    return this.#traced(guid, name).traceEnabled(name);
  }

  /**
   * Read trace `name` of `guid`: its whole content ('all', the default), `block` bytes at
   * block index `offset` ('stream'), its file path ('path') or its size in bytes ('size').
   * A trace not written yet reads as empty.
   */
  trace(guid: string, name: string, options: TraceOptions & { attr: 'size' }): Promise<number>;
  trace(guid: string, name: string, options?: TraceOptions): Promise<string>;
  async trace(guid: string, name: string, options: TraceOptions = {}): Promise<string | number> {
    return this.#traced(guid, name).readTrace(name, options);
  }

  /** The record of `guid`, whose type has trace `name`. */
  #traced(guid: string, name: string) {
    const record = this.#model.record(guid);
    if (!Object.hasOwn(record.resourceType.traces, name)) {
      const known = Object.keys(record.resourceType.traces);
      throw new NepiError(`resource '${guid}' (${record.type}) has no trace '${name}'${suggest(name, known)}; its traces: ${known.join(', ') || 'none'}`, {
        guid,
        type: record.type,
      });
    }
    return record;
  }

  #request(guid: string, action: 'START' | 'STOP'): void {
    this.#assertRunning(action.toLowerCase());
    const record = this.#model.record(guid);
    if (!this.#model.index.get(record.guid).deployed) {
      throw new InvalidActionError(`cannot ${action.toLowerCase()} '${guid}': it is not deployed`, { guid, type: record.type });
    }
    this.#actor.send({ type: 'request', guid, action });
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
