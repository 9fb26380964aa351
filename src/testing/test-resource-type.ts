/**
 * `testResourceType`: drive a real instance of a resource type through every path of the
 * lifecycle model, on a real ExperimentController, and check after every event that the
 * resource is where the model says, and after release that the type's `probe` finds nothing
 * left behind.
 *
 * How a path is driven. The type is wrapped in a derived type (same name, attributes and
 * connections) whose every step goes through the driver:
 *
 * - the type's real step starts at once (a step the type has not, or skips with these
 *   attributes, has no work);
 * - the step then waits for the path's next event: `<step> ok` lets its outcome through
 *   (the real step's rejection included), `<step> fails` throws an injected failure once the
 *   real work settled, RELEASE (or STOP while running) arrives while the step is held;
 * - `run` is the exception: the real run's own outcome goes through as soon as it settles (a
 *   run that ends too early shows), `run ok` waits for it, `run fails` throws at once while
 *   the work goes on (a crash the type must clean up after).
 *
 * Every resource of a path is non-critical, so that an injected failure does not abort.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../machines/clock.js';
import { STEPS, stateRank, type StepName, type StepPlan } from '../../machines/lifecycle.js';
import type { ResourceContext } from '../../machines/resource.js';
import { ExperimentController } from '../experiment/experiment-controller.js';
import { coerceAttribute, type AttributeValue } from '../resources/attributes.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { dependsOnType } from '../resources/connections.js';
import { defineResourceType, type ResourceType, type StepFunction } from '../resources/resource-type.js';
import type { ProbeContext, ResourceView, StepContext } from '../resources/views.js';
import { realClock } from '../time/real-clock.js';
import {
  formatLifecyclePath,
  resolveLifecyclePath,
  shortestLifecyclePaths,
  simpleLifecyclePaths,
  type LifecycleEvent,
  type LifecycleModelOptions,
  type LifecyclePath,
  type LifecyclePoint,
} from './lifecycle-model.js';
import { VirtualClock } from './virtual-clock.js';

/** A resource the one under test is connected to for every path. */
export interface ConnectedResource {
  /** A registered type name, or a type object. */
  readonly type: string | ResourceType;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** Options of {@link testResourceType}. */
export interface TestResourceTypeOptions {
  /** Attributes of the resource under test (`critical` is always set to false). */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /**
   * Resources it is connected to, e.g. `[{ type: 'linux::Node' }]`. Those it depends on (or
   * that do not depend on it) are deployed and started before each path; those that
   * depend on it are deployed after it, at DEPLOY.
   */
  readonly connect?: readonly ConnectedResource[];
  /**
   * The experiment's clock, new for each path: `'virtual'` (default, a VirtualClock the
   * driver moves on whenever it waits for a step), `'real'` (for types that do real work,
   * such as `linux::*`), or a factory.
   */
  readonly clock?: 'virtual' | 'real' | (() => Clock);
  /** Real milliseconds allowed for each step to settle and each state to be reached (default 5000). */
  readonly stepTimeout?: number;
  /**
   * Real milliseconds during which a probe that found something is asked again before the
   * path fails (default 1000): a killed process takes a moment to be reaped.
   */
  readonly probeGrace?: number;
  /**
   * Which paths: `'simple'` (default) every complete lifecycle of the model, `'shortest'`
   * the shortest path to each state of the model, completed by a release, or a list of
   * event lists (completed by `RELEASE → release ok` when they do not end RELEASED).
   */
  readonly paths?: 'simple' | 'shortest' | readonly (readonly LifecycleEvent[])[];
  /**
   * Which steps the model runs: `'all'` (default) every step, so that a failure is injected
   * at each, whether the type does something there or not; `'type'` only those the type
   * has and does not skip with these attributes.
   */
  readonly plan?: 'all' | 'type';
  /** Keep only the paths for which this returns true. */
  readonly filter?: (path: LifecyclePath) => boolean;
  /**
   * Look at the real resource after every event, knowing where the model says it is (e.g.
   * its process runs while STARTED). Returns what is wrong; empty means fine.
   */
  readonly check?: (resource: ProbeContext, expected: LifecyclePoint) => Promise<string[]> | string[];
  /** The run directories' parent (default: a temporary folder, removed at the end). */
  readonly localDir?: string;
  /** Where type names in `connect` are looked up (default: the built-in registry). */
  readonly registry?: TypeRegistry;
  /** Throw a ResourceTypeTestError when a path fails (default true); otherwise only report. */
  readonly throwOnFailure?: boolean;
  /** Stop after this many failing paths (default: run them all). */
  readonly maxFailures?: number;
  /** Called with one line per path run, and the summary. */
  readonly log?: (line: string) => void;
}

/** A lifecycle path on which the type did not behave as the model says, and why. */
export interface PathFailure {
  /** The failing path, as events. */
  readonly events: readonly LifecycleEvent[];
  /** The index of the event after which it failed (-1: while setting up, `events.length`: after release). */
  readonly at: number;
  readonly message: string;
}

/** What {@link testResourceType} found: the paths run, passed and failed. */
export interface ResourceTypeReport {
  readonly type: string;
  /** How many paths were run. */
  readonly paths: number;
  readonly passed: number;
  /** How many events were driven, over all paths. */
  readonly events: number;
  readonly failures: readonly PathFailure[];
  /** Paths left out by `filter` or by `maxFailures`. */
  readonly skipped: number;
  readonly durationMs: number;
  /** One line: the type, the paths covered and how many passed. */
  summary(): string;
  /** The summary and every failing path with its reason. */
  toString(): string;
}

/** What `testResourceType` throws when a path failed; `report` holds every result. */
export class ResourceTypeTestError extends Error {
  /** `report` holds the result of every path. */
  constructor(readonly report: ResourceTypeReport) {
    super(report.toString());
    this.name = 'ResourceTypeTestError';
  }
}

/** The error a step throws where a failure was injected. */
export class InjectedFailure extends Error {
  /** `step` is the step it was injected at. */
  constructor(readonly step: StepName) {
    super(`injected failure at ${step}`);
    this.name = 'InjectedFailure';
  }
}

/**
 * A variant of `type` whose step `step` throws an InjectedFailure: after doing its real work
 * (`when: 'after'`, the default) or instead of it (`'before'`). The step runs even where
 * the type has none or would skip it.
 */
export function failingAt(type: ResourceType, step: StepName, options: { when?: 'before' | 'after' } = {}): ResourceType {
  const real = type.steps[step];
  const failing: StepFunction = async (ctx) => {
    if ((options.when ?? 'after') === 'after' && real && !type.skipStep?.(step, ctx)) await real(ctx);
    throw new InjectedFailure(step);
  };
  return derive(type, { ...type.steps, [step]: failing }, (s, resource) => s !== step && (type.skipStep?.(s, resource) ?? false));
}

function derive(
  type: ResourceType,
  steps: Partial<Record<StepName, StepFunction>>,
  skipStep: ((step: StepName, resource: ResourceView) => boolean) | undefined,
): ResourceType {
  return defineResourceType({
    type: type.type,
    help: type.help,
    ...(type.backend ? { backend: type.backend } : {}),
    attributes: type.attributes,
    ...(type.data ? { data: type.data } : {}),
    traces: type.traces,
    connectsTo: type.connectsTo,
    dependsOn: type.dependsOn,
    runsOn: type.runsOn,
    ...(type.node ? { node: type.node } : {}),
    steps,
    ...(skipStep ? { skipStep } : {}),
    ...(type.probe ? { probe: type.probe } : {}),
    ...(type.ownTimeout ? { ownTimeout: type.ownTimeout } : {}),
    ...(type.runWatches ? { runWatches: true } : {}),
    ...(type.restartable ? { restartable: true } : {}),
  });
}

/** The lifecycle model a type is tested on: its plan, and whether it may start again. */
type ModelOptions = LifecycleModelOptions & { readonly plan: StepPlan };

/**
 * Drive `type` through every path of the lifecycle model (see the module comment) and
 * return the report; throws a ResourceTypeTestError listing the failing paths, unless
 * `throwOnFailure: false`.
 */
export async function testResourceType(type: ResourceType, options: TestResourceTypeOptions = {}): Promise<ResourceTypeReport> {
  const started = performance.now();
  const plan = options.plan === 'type' ? typePlan(type, options.attributes ?? {}) : () => true;
  const modelOptions = { plan, restartable: type.restartable === true };
  let paths = choosePaths(options.paths ?? 'simple', modelOptions);
  const total = paths.length;
  if (options.filter) paths = paths.filter(options.filter);
  const ownDir = options.localDir === undefined;
  const localDir = options.localDir ?? mkdtempSync(join(tmpdir(), 'nepi-kit-'));
  const failures: PathFailure[] = [];
  let run = 0;
  let events = 0;
  try {
    for (const [i, path] of paths.entries()) {
      if (failures.length >= (options.maxFailures ?? Infinity)) break;
      const driver = new PathDriver(type, plan, path, options, localDir, i);
      const failure = await driver.run();
      run++;
      events += path.events.length;
      if (failure) failures.push(failure);
      options.log?.(`${failure ? '✗' : '✓'} ${formatLifecyclePath(path.events)}${failure ? `\n    ${failure.message}` : ''}`);
    }
  } finally {
    if (ownDir) rmSync(localDir, { recursive: true, force: true });
  }
  const report = makeReport(type.type, run, events, failures, total - run, performance.now() - started, options.plan ?? 'all');
  options.log?.(report.summary());
  if (failures.length > 0 && (options.throwOnFailure ?? true)) throw new ResourceTypeTestError(report);
  return report;
}

function makeReport(
  type: string,
  paths: number,
  events: number,
  failures: readonly PathFailure[],
  skipped: number,
  durationMs: number,
  plan: 'all' | 'type',
): ResourceTypeReport {
  const summary = () =>
    `${type}: ${paths - failures.length} of ${paths} lifecycle paths passed (${events} events, plan: ${
      plan === 'all' ? 'every step' : "the type's steps"
    }${skipped > 0 ? `, ${skipped} skipped` : ''}, ${(durationMs / 1000).toFixed(1)} s)`;
  return {
    type,
    paths,
    passed: paths - failures.length,
    events,
    failures,
    skipped,
    durationMs,
    summary,
    toString: () => [summary(), ...failures.map((f) => `  ✗ ${formatLifecyclePath(f.events)}\n      ${f.message.replaceAll('\n', '\n      ')}`)].join('\n'),
  };
}

function choosePaths(which: NonNullable<TestResourceTypeOptions['paths']>, modelOptions: ModelOptions): LifecyclePath[] {
  if (which === 'simple') return simpleLifecyclePaths(modelOptions);
  const lists = which === 'shortest' ? shortestLifecyclePaths(modelOptions).map((path) => path.events) : which;
  const seen = new Set<string>();
  const paths: LifecyclePath[] = [];
  for (const events of lists) {
    const path = complete(resolveLifecyclePath(events, modelOptions), modelOptions);
    const key = path.events.join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(path);
  }
  return paths;
}

/** `path` ended by a successful release, unless it ends RELEASED. */
function complete(path: LifecyclePath, modelOptions: ModelOptions): LifecyclePath {
  if (path.end.done) return path;
  const tail: LifecycleEvent[] = [];
  if (path.end.step !== 'release') tail.push('RELEASE');
  // a release step may be planned out: then RELEASE alone ends the path
  const released = resolveLifecyclePath([...path.events, ...tail], modelOptions);
  if (released.end.done) return released;
  return resolveLifecyclePath([...released.events, 'release ok'], modelOptions);
}

/** The steps `type` runs with `attributes` (defaults included). */
function typePlan(type: ResourceType, attributes: Readonly<Record<string, unknown>>): StepPlan {
  const values = new Map<string, AttributeValue>();
  for (const [name, spec] of Object.entries(type.attributes)) if (spec.default !== undefined) values.set(name, spec.default);
  for (const [name, value] of Object.entries(attributes)) {
    const spec = type.attributes[name];
    if (spec && value !== undefined) values.set(name, coerceAttribute(spec, value, { type: type.type, attribute: name }));
  }
  const view: ResourceView = { guid: 'planned', type: type.type, get: (name) => values.get(name), connections: () => [] };
  return (step) => type.steps[step] !== undefined && !type.skipStep?.(step, view);
}

// ---------------------------------------------------------------------------------------

/** One step invocation of the resource under test. */
interface Invocation {
  readonly step: StepName;
  /** The real run's own outcome goes through (see the module comment). */
  readonly passThrough: boolean;
  workSettled: boolean;
  /** The wrapper returned, threw or was aborted. */
  finished: boolean;
  /** A run whose own end no longer counts: STOP or RELEASE was sent. */
  held: boolean;
  decide: (verdict: 'ok' | 'fail') => void;
}

interface Observed {
  readonly state: string;
  readonly value: string;
  readonly step: StepName | undefined;
  readonly runs: number;
  readonly failedStep: string | undefined;
  readonly error: unknown;
}

class PathFailed extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class PathDriver {
  readonly #type: ResourceType;
  readonly #path: LifecyclePath;
  readonly #options: TestResourceTypeOptions;
  readonly #timeout: number;
  readonly #clock: Clock;
  readonly #virtual: VirtualClock | undefined;
  readonly #ec: ExperimentController;
  readonly #derived: ResourceType;
  readonly #invocations: Invocation[] = [];
  /** Real steps not settled yet. */
  readonly #work = new Set<Promise<void>>();
  #guid = '';
  #dependents: string[] = [];
  #others: string[] = [];
  #releasing: Promise<unknown> | undefined;
  #tearingDown = false;
  #releaseError: unknown;
  /** Who waits for the next change (see #nextChange). */
  readonly #wakers = new Set<() => void>();
  readonly #stopListening: Array<() => void> = [];

  constructor(type: ResourceType, plan: StepPlan, path: LifecyclePath, options: TestResourceTypeOptions, localDir: string, index: number) {
    this.#type = type;
    this.#path = path;
    this.#options = options;
    this.#timeout = options.stepTimeout ?? 5000;
    const clock = options.clock ?? 'virtual';
    this.#clock = clock === 'virtual' ? new VirtualClock() : clock === 'real' ? realClock : clock();
    this.#virtual = this.#clock instanceof VirtualClock ? this.#clock : undefined;
    this.#ec = new ExperimentController({
      clock: this.#clock,
      localDir,
      record: false,
      expId: `${type.type.replace('::', '-').toLowerCase()}-path${index + 1}`,
      ...(options.registry ? { registry: options.registry } : {}),
    });
    this.#derived = this.#instrument(plan);
    // every change the driver waits for is heard of: a transition of the controller (any
    // resource's state report), a timer set on the virtual clock, a step that starts or
    // settles (#invoke), a promise the driver awaits (#settle); the subject's own
    // transitions once it exists (#setUp)
    const subscription = this.#ec.actor.subscribe(() => this.#changed());
    this.#stopListening.push(() => subscription.unsubscribe());
    if (this.#virtual) this.#stopListening.push(this.#virtual.onTimer(() => this.#changed()));
  }

  /** Wake whoever waits for the next change. */
  #changed(): void {
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const wake of wakers) wake();
  }

  /** Resolves at the next change the driver hears of, or after `ms` (real time) at the latest. */
  #nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }

  /** Run the path; the failure, if any. */
  async run(): Promise<PathFailure | undefined> {
    const events = this.#path.events;
    let failure: PathFailure | undefined;
    try {
      await this.#setUp();
      const runs = expectedRuns(this.#path);
      for (const [i, { event, expect }] of this.#path.steps.entries()) {
        await this.#apply(event, i);
        await this.#expect(expect, runs[i]!, i);
      }
      if (this.#path.end.done) await this.#afterRelease();
    } catch (error) {
      const at = error instanceof PathFailed ? error.at : -1;
      failure = { events, at, message: error instanceof PathFailed ? error.message : `the kit failed: ${describeError(error)}` };
    }
    try {
      await this.#tearDown();
    } catch (error) {
      failure ??= { events, at: events.length, message: `shutdown failed: ${describeError(error)}` };
    } finally {
      for (const stop of this.#stopListening) stop();
    }
    return failure;
  }

  #instrument(plan: StepPlan): ResourceType {
    const type = this.#type;
    const steps: Partial<Record<StepName, StepFunction>> = {};
    for (const step of STEPS) {
      if (!plan(step)) continue;
      steps[step] = (ctx) => {
        const real = type.steps[step];
        return this.#invoke(step, ctx, real && !type.skipStep?.(step, ctx) ? real : undefined);
      };
    }
    return derive(type, steps, undefined);
  }

  #invoke(step: StepName, ctx: StepContext, real: StepFunction | undefined): Promise<void> {
    const invocation: Invocation = {
      step,
      passThrough: step === 'run' && real !== undefined,
      workSettled: real === undefined,
      finished: false,
      held: false,
      decide: () => undefined,
    };
    this.#invocations.push(invocation);
    this.#changed();
    let work: Promise<void> | undefined;
    if (real) {
      work = (async () => real(ctx))();
      const settled = () => {
        invocation.workSettled = true;
        this.#changed();
      };
      const tracked = work.then(settled, settled);
      this.#work.add(tracked);
      void tracked.then(() => {
        this.#work.delete(tracked);
        this.#changed();
      });
    }
    const decided = new Promise<'ok' | 'fail'>((resolve) => (invocation.decide = resolve));
    if (this.#tearingDown) invocation.decide('ok');
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(ctx.signal.reason ?? new Error('aborted'));
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    // once the driver sent STOP or RELEASE, the run's own end no longer counts: the
    // controller may take time to deliver them (dependents release first)
    const held = !invocation.passThrough
      ? undefined
      : work?.then(
          (value) => (invocation.held ? new Promise<void>(() => undefined) : value),
          (error: unknown) => (invocation.held ? new Promise<void>(() => undefined) : Promise.reject(error)),
        );
    const outcome = invocation.passThrough
      ? Promise.race([
          held!,
          decided.then((verdict) => {
            if (verdict === 'fail') throw new InjectedFailure(step);
            return held!;
          }),
          aborted,
        ])
      : Promise.race([
          decided.then(async (verdict) => {
            if (verdict === 'ok') return work;
            await work?.catch(() => undefined);
            throw new InjectedFailure(step);
          }),
          aborted,
        ]);
    const finish = () => {
      invocation.finished = true;
      this.#changed();
    };
    outcome.then(finish, finish);
    return outcome;
  }

  async #setUp(): Promise<void> {
    const ec = this.#ec;
    this.#guid = ec.registerResource(this.#derived, { ...this.#options.attributes, critical: false }, { name: 'subject' });
    const subject = ec.actor.getSnapshot().context.actors.get(this.#guid);
    if (subject) {
      const subscription = subject.subscribe(() => this.#changed());
      this.#stopListening.push(() => subscription.unsubscribe());
    }
    for (const [i, connection] of (this.#options.connect ?? []).entries()) {
      const guid = ec.registerResource(connection.type, { ...connection.attributes, critical: false }, { name: `peer${i + 1}` });
      ec.registerConnection(this.#guid, guid);
      const connected = typeof connection.type === 'string' ? (this.#options.registry ?? defaultRegistry).get(connection.type) : connection.type;
      const dependsOnSubject = dependsOnType(connected, this.#type);
      (dependsOnSubject ? this.#dependents : this.#others).push(guid);
    }
    if (this.#others.length > 0) {
      ec.deploy(this.#others);
      await this.#settle(ec.waitStarted(this.#others), 'the connected resources to start', -1);
      if (ec.failures.length > 0) {
        throw new PathFailed(-1, `a connected resource failed: ${ec.failures.map((f) => `${f.guid} at ${f.step}: ${describeError(f.error)}`).join('; ')}`);
      }
    }
  }

  async #apply(event: LifecycleEvent, i: number): Promise<void> {
    const ec = this.#ec;
    const guid = this.#guid;
    const attempt = (what: () => void) => {
      try {
        what();
      } catch (error) {
        throw new PathFailed(i, `${event} threw: ${describeError(error)}`);
      }
    };
    switch (event) {
      case 'DEPLOY':
        attempt(() => {
          ec.deploy(guid, { autoStart: false, waitAllReady: false });
          if (this.#dependents.length > 0) ec.deploy(this.#dependents, { waitAllReady: false });
        });
        return;
      case 'START':
        attempt(() => ec.start(guid));
        return;
      case 'STOP':
        this.#hold();
        attempt(() => ec.stop(guid));
        return;
      case 'RELEASE':
        this.#hold();
        this.#releasing = ec.release(guid).catch((error: unknown) => void (this.#releaseError = error ?? new Error('release rejected')));
        return;
      default:
      // a step's outcome ('deploy ok', 'run fails'): below
    }
    const [step, outcome] = event.split(' ') as [StepName, 'ok' | 'fails'];
    const invocation = this.#active();
    if (!invocation || invocation.step !== step) {
      throw new PathFailed(i, `'${event}': step ${step} is not running (${invocation ? `${invocation.step} is` : 'no step is'})`);
    }
    if (invocation.passThrough) {
      if (outcome === 'fails') invocation.decide('fail');
      else await this.#waitFor(() => invocation.finished, true, i, `its run step to end by itself (${event})`);
      return;
    }
    await this.#waitFor(() => invocation.workSettled, true, i, `its ${step} step to settle (${event})`);
    invocation.decide(outcome === 'ok' ? 'ok' : 'fail');
  }

  /** Wait until the resource is where the model says, then check it stays there. */
  async #expect(expected: LifecyclePoint, runs: number, i: number): Promise<void> {
    const event = this.#path.steps[i]!.event;
    const mismatch = () => {
      const observed = this.#observe();
      return `after ${i + 1}. '${event}': expected ${describeExpected(expected)}, observed ${describeObserved(observed)}`;
    };
    const matches = () => sameAs(this.#observe(), expected, runs);
    const movedPast = () => {
      const observed = this.#observe();
      return stateRank(observed.state as never) > stateRank(expected.state) || observed.runs > runs;
    };
    const reached = await this.#waitFor(
      () => matches() || movedPast(),
      () => !this.#runningRun(),
      i,
      undefined,
    );
    if (!reached || !matches()) throw new PathFailed(i, mismatch());
    // it must stay there: nothing may move before the next event
    for (let k = 0; k < 3; k++) await immediate();
    if (!this.#virtual) await realSleep(2);
    if (!matches()) throw new PathFailed(i, `${mismatch()} (it moved on by itself)`);
    if (this.#options.check) {
      const problems = await this.#options.check(this.#probeContext(), expected);
      if (problems.length > 0) {
        throw new PathFailed(i, `after ${i + 1}. '${event}' (${describeExpected(expected)}), check found: ${problems.join('; ')}`);
      }
    }
  }

  async #afterRelease(): Promise<void> {
    const at = this.#path.events.length;
    if (this.#releasing) await this.#settle(this.#releasing, 'release() to resolve', at);
    if (this.#releaseError !== undefined) throw new PathFailed(at, `release() rejected: ${describeError(this.#releaseError)}`);
    // steps cancelled by the release may still be winding down
    const settled = await this.#waitFor(() => this.#work.size === 0, true, at, undefined);
    const probe = this.#type.probe;
    if (probe) {
      const deadline = performance.now() + (this.#options.probeGrace ?? 1000);
      let found: string[] = [];
      for (;;) {
        found = await probe(this.#probeContext());
        if (found.length === 0 || performance.now() > deadline) break;
        if (this.#virtual) await this.#virtual.runAll(100_000);
        await realSleep(20);
      }
      if (found.length > 0) throw new PathFailed(at, `after release${this.#releasedFrom()}, probe found: ${found.join('; ')}`);
    }
    if (!settled) {
      const running = this.#invocations.filter((inv) => !inv.workSettled).map((inv) => inv.step);
      throw new PathFailed(
        at,
        `after release${this.#releasedFrom()}, its ${running.join(', ')} step(s) still ran after ${this.#timeout} ms: a step must end when ctx.signal aborts`,
      );
    }
  }

  /** Where the resource was when RELEASE came: ` (from READY)`, ` (from DISCOVERED with provision running)`. */
  #releasedFrom(): string {
    const i = this.#path.events.lastIndexOf('RELEASE');
    const before = i > 0 ? this.#path.steps[i - 1]!.expect : undefined;
    if (i < 0) return '';
    return ` (from ${before ? `${before.state}${before.step ? ` with ${before.step} running` : ''}` : 'NEW'})`;
  }

  async #tearDown(): Promise<void> {
    // from here on every step goes through: a failed path is shut down as it stands
    this.#tearingDown = true;
    for (const invocation of this.#invocations) if (!invocation.finished) invocation.decide('ok');
    await this.#settle(this.#ec.shutdown(), 'shutdown', this.#path.events.length);
  }

  /** Await `promise`, moving a virtual clock on meanwhile; a PathFailed after the timeout. */
  async #settle<T>(promise: Promise<T>, what: string, at: number): Promise<T> {
    let done = false;
    let value: T | undefined;
    let failed = false;
    let error: unknown;
    promise.then(
      (v) => {
        done = true;
        value = v;
        this.#changed();
      },
      (e: unknown) => {
        done = failed = true;
        error = e;
        this.#changed();
      },
    );
    if (!(await this.#waitFor(() => done, true, at, undefined))) throw new PathFailed(at, `timed out after ${this.#timeout} ms waiting for ${what}`);
    if (failed) throw new PathFailed(at, `${what} failed: ${describeError(error)}`);
    return value as T;
  }

  /**
   * Wait until `condition` holds, up to the step timeout (real time), checking it again at
   * each change the driver hears of (never by polling). A virtual clock is moved on while
   * `advance` says so. Returns whether it held; with `what`, throws instead.
   */
  async #waitFor(condition: () => boolean, advance: boolean | (() => boolean), at: number, what: string | undefined): Promise<boolean> {
    const deadline = performance.now() + this.#timeout;
    for (;;) {
      if (condition()) return true;
      const left = deadline - performance.now();
      if (left <= 0) {
        if (what !== undefined) throw new PathFailed(at, `timed out after ${this.#timeout} ms waiting for ${what}`);
        return false;
      }
      const virtual = this.#virtual;
      if (virtual && virtual.pending > 0 && (typeof advance === 'function' ? advance() : advance)) await virtual.runAll(100_000);
      else await this.#nextChange(left);
    }
  }

  #active(): Invocation | undefined {
    for (let i = this.#invocations.length - 1; i >= 0; i--) {
      const invocation = this.#invocations[i]!;
      if (!invocation.finished) return invocation;
    }
    return undefined;
  }

  /** A real run is going on: time must not move, or it would end by itself. */
  #runningRun(): boolean {
    const active = this.#active();
    return active !== undefined && active.passThrough && !active.held;
  }

  #hold(): void {
    const active = this.#active();
    if (active?.passThrough) active.held = true;
  }

  #snapshot(): { value: unknown; context: ResourceContext } {
    const actor = this.#ec.actor.getSnapshot().context.actors.get(this.#guid);
    if (!actor) throw new Error(`no actor for '${this.#guid}'`);
    return actor.getSnapshot() as { value: unknown; context: ResourceContext };
  }

  #observe(): Observed {
    const { value, context } = this.#snapshot();
    return {
      state: context.state,
      value: valueText(value),
      step: this.#active()?.step,
      runs: this.#invocations.length,
      failedStep: context.error !== undefined ? context.failedStep : undefined,
      error: context.error,
    };
  }

  #probeContext(): ProbeContext {
    return (this.#snapshot().context.handle as { scope(): ProbeContext }).scope();
  }
}

/** How many step invocations the model has made once each event of `path` is handled. */
function expectedRuns(path: LifecyclePath): number[] {
  const runs: number[] = [];
  let count = 0;
  let previous: StepName | undefined;
  for (const { expect } of path.steps) {
    if (expect.step !== undefined && expect.step !== previous) count++;
    previous = expect.step;
    runs.push(count);
  }
  return runs;
}

function sameAs(observed: Observed, expected: LifecyclePoint, runs: number): boolean {
  return (
    observed.state === expected.state &&
    observed.value === expected.value &&
    observed.step === expected.step &&
    observed.runs === runs &&
    observed.failedStep === expected.failedStep
  );
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([key, sub]) => `${key}.${valueText(sub)}`)
    .join(',');
}

function describeExpected(point: LifecyclePoint): string {
  return `${point.state}${point.step ? ` with ${point.step} running` : ''}${point.failedStep ? ` (failed at ${point.failedStep})` : ''}`;
}

function describeObserved(observed: Observed): string {
  const failure = observed.failedStep ? ` (failed at ${observed.failedStep}: ${describeError(observed.error)})` : '';
  return `${observed.state}${observed.step ? ` with ${observed.step} running` : ''}${failure}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
