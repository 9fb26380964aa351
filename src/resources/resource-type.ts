/**
 * Resource types: what a resource is (attributes, traces, what it connects to and depends
 * on) and what it does at each lifecycle step. A type is plain data plus step functions;
 * the engine turns it into the resource machine with `.provide()`.
 */
import { fromPromise, type AnyActorLogic } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import { STEPS, type StepName } from '../../machines/lifecycle.js';
import { resourceMachine, type StepInput } from '../../machines/resource.js';
import { NepiError } from '../errors.js';
import { coerceAttribute, CRITICAL_ATTRIBUTE, type AttributeSpec, type AttributeValue } from './attributes.js';
import { RELIABILITY_ATTRIBUTES, runStep, type TryReport } from './step-runner.js';

/** A resource as its type's steps see it. */
export interface ResourceView {
  readonly guid: string;
  readonly type: string;
  get(name: string): AttributeValue | undefined;
}

/** What one step of one resource gets to work with. */
export interface StepContext extends ResourceView {
  readonly step: StepName;
  /** Aborted when the step is cancelled (a release while it runs, leaving STARTED for `run`). */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Resources connected to this one, optionally only those whose type matches `type`. */
  connections(type?: string): readonly ResourceView[];
  /** Wait `ms` on the experiment's clock; rejects when the step is aborted. */
  sleep(ms: number): Promise<void>;
  /** Scratch space of this resource's backend, kept across its steps. */
  readonly data: Record<string, unknown>;
  readonly expId: string;
  readonly runId: string;
  /** The run directory `<localDir>/<expId>/<runId>`. */
  readonly runDir: string;
  /** This resource's own folder in the run directory, created on first call. */
  dir(): string;
  traceEnabled(name: string): boolean;
  /** Where trace `name` goes: `<runDir>/<guid>/<name>`. */
  tracePath(name: string): string;
  /**
   * What this resource measured (e.g. a ping's `rtt` and `loss`): JSON values set by its
   * steps, written under the resource in the run summary (`summary.json`, `nepi show`).
   */
  readonly results: Record<string, unknown>;
}

export interface TraceSpec {
  readonly help: string;
  /** Whether the trace is collected unless disabled (default true). */
  readonly enabled?: boolean;
}

export type StepFunction = (context: StepContext) => Promise<void> | void;

/**
 * What a type's `probe` sees of a released resource: the resource, its backend's scratch
 * data (as its steps left it) and where its files are.
 */
export interface ProbeContext extends ResourceView {
  /** The scratch data its steps kept (a process handle, an address, ...). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly clock: Clock;
  /** Resources connected to this one, optionally only those whose type matches `type`. */
  connections(type?: string): readonly ResourceView[];
  readonly expId: string;
  readonly runId: string;
  readonly runDir: string;
  /** Where trace `name` goes: `<runDir>/<guid>/<name>`. */
  tracePath(name: string): string;
}

/**
 * Look, after a resource was released, for anything it left behind (a live process, a
 * mounted file system, a namespace...). Returns one description per thing found; empty
 * means clean. Used by `testResourceType` from `nepi/testing`.
 */
export type ProbeFunction = (resource: ProbeContext) => Promise<string[]> | string[];

/**
 * What `reattach` found of a resource after the controller that ran it died (see `nepi resume`):
 * - `running`: it is still there (a process still runs, a namespace still exists); `reattach`
 *   has put into `ctx.data` what the later steps (`run`, `stop`, `release`) need to handle it;
 * - `ended`: it ended while no controller watched (`ok` false: a failure, with `reason`);
 * - `gone`: it cannot be found any more (`reason` says what was looked for).
 */
export type ReattachOutcome =
  | { readonly status: 'running' }
  | { readonly status: 'ended'; readonly ok: boolean; readonly reason?: string }
  | { readonly status: 'gone'; readonly reason: string };

/**
 * Find again, on resume, what this resource's steps created or started before the controller
 * died. `recorded` is the last state the run directory recorded for it (e.g. `STARTED`,
 * `READY`) and the step it was in, if any. `ctx.data` starts empty.
 */
export type ReattachFunction = (
  context: StepContext,
  recorded: {
    readonly state: string;
    readonly step?: StepName;
    /** When it first entered each state, as recorded (clock ms): e.g. `times.STARTED`. */
    readonly times?: Readonly<Partial<Record<string, number>>>;
  },
) => Promise<ReattachOutcome> | ReattachOutcome;

export interface ConnectionRule {
  /** Least connections to resources of this type, checked at deploy. */
  readonly min?: number;
  /** Most connections to resources of this type, checked when connecting. */
  readonly max?: number;
}

export interface ResourceTypeDefinition {
  /** `backend::Name`, e.g. `dummy::Node`. */
  readonly type: string;
  readonly help: string;
  readonly attributes?: Readonly<Record<string, AttributeSpec>>;
  readonly traces?: Readonly<Record<string, TraceSpec>>;
  /** Type names (`*` matches any part) this type may connect to, with optional counts. */
  readonly connectsTo?: readonly string[] | Readonly<Record<string, ConnectionRule>>;
  /**
   * Connected types this one deploys after (once READY) and releases before. A pattern
   * `A > B` reaches one step further: the resources of type B connected to the resource of
   * type A this one is connected to (an application on a netns::Node depends on
   * `netns::Node > netns::Link`: the links of its node).
   */
  readonly dependsOn?: readonly string[];
  readonly steps?: Partial<Readonly<Record<StepName, StepFunction>>>;
  /** Skip a step this resource has nothing to do in (e.g. a zero-time dummy step). */
  readonly skipStep?: (step: StepName, resource: ResourceView) => boolean;
  /** Find what a released resource left behind (see ProbeFunction); for tests. */
  readonly probe?: ProbeFunction;
  /** Find again what the resource created before a controller crash (see ReattachFunction). */
  readonly reattach?: ReattachFunction;
  /**
   * Steps that apply their timeout attribute themselves, so the engine does not abort them
   * (linux::Application's stop sends SIGKILL once `stopTimeout` expired and still succeeds).
   */
  readonly ownTimeout?: readonly StepName[];
  /**
   * Its `run` step watches rather than works: it ends only by failing (a remote linux::Node's
   * run fails when its SSH connection is lost for good), so `ec.run()` does not wait for it.
   */
  readonly runWatches?: boolean;
}

export interface ResourceType {
  readonly type: string;
  readonly help: string;
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  readonly traces: Readonly<Record<string, TraceSpec>>;
  readonly connectsTo: Readonly<Record<string, ConnectionRule>>;
  readonly dependsOn: readonly string[];
  readonly steps: Partial<Readonly<Record<StepName, StepFunction>>>;
  readonly skipStep: ((step: StepName, resource: ResourceView) => boolean) | undefined;
  readonly probe?: ProbeFunction;
  readonly reattach?: ReattachFunction;
  readonly ownTimeout?: readonly StepName[];
  readonly runWatches?: boolean;
}

const TYPE_NAME = /^[A-Za-z][\w-]*::[A-Za-z][\w-]*$/;

/**
 * Check and normalise a type definition; every type gets the `critical` attribute and the
 * timeouts and retries (`deployTimeout`, `startTimeout`, `stopTimeout`, `retries`,
 * `retryDelay`). A type may declare one of those itself (its own default and help), of the
 * same kind.
 */
export function defineResourceType(definition: ResourceTypeDefinition): ResourceType {
  if (!TYPE_NAME.test(definition.type)) {
    throw new NepiError(`invalid resource type name '${definition.type}': expected 'backend::Name'`, {
      type: definition.type,
    });
  }
  for (const step of Object.keys(definition.steps ?? {})) {
    if (!(STEPS as readonly string[]).includes(step)) {
      throw new NepiError(`type '${definition.type}' has unknown step '${step}'; steps are ${STEPS.join(', ')}`, {
        type: definition.type,
      });
    }
  }
  const attributes: Record<string, AttributeSpec> = { critical: CRITICAL_ATTRIBUTE, ...RELIABILITY_ATTRIBUTES };
  for (const [name, spec] of Object.entries(definition.attributes ?? {})) {
    const builtin = Object.hasOwn(RELIABILITY_ATTRIBUTES, name) ? RELIABILITY_ATTRIBUTES[name] : undefined;
    if (builtin && builtin.type !== spec.type) {
      throw new NepiError(`type '${definition.type}': attribute '${name}' is built in as a ${builtin.type}, not a ${spec.type}`, {
        type: definition.type,
        attribute: name,
      });
    }
    if (spec.type === 'enum' && (!spec.allowed || spec.allowed.length === 0)) {
      throw new NepiError(`type '${definition.type}': enum attribute '${name}' lists no allowed values`, {
        type: definition.type,
        attribute: name,
      });
    }
    // defaults obey their own declaration; a duration default is kept in ms like any value
    attributes[name] =
      spec.default === undefined
        ? spec
        : { ...spec, default: coerceAttribute(spec, spec.default, { type: definition.type, attribute: `${name} (default)` }) };
  }
  const connectsTo = Array.isArray(definition.connectsTo)
    ? Object.fromEntries((definition.connectsTo as readonly string[]).map((pattern) => [pattern, {}]))
    : { ...(definition.connectsTo as Record<string, ConnectionRule> | undefined) };
  return Object.freeze({
    type: definition.type,
    help: definition.help,
    attributes: Object.freeze(attributes),
    traces: Object.freeze({ ...definition.traces }),
    connectsTo: Object.freeze(connectsTo),
    dependsOn: Object.freeze([...(definition.dependsOn ?? [])]),
    steps: Object.freeze({ ...definition.steps }),
    skipStep: definition.skipStep,
    ...(definition.probe ? { probe: definition.probe } : {}),
    ...(definition.reattach ? { reattach: definition.reattach } : {}),
    ...(definition.ownTimeout ? { ownTimeout: Object.freeze([...definition.ownTimeout]) } : {}),
    ...(definition.runWatches ? { runWatches: true } : {}),
  });
}

/**
 * Whether `type` matches a pattern such as `dummy::Node`, `*::Node`, `*`, or alternatives
 * `linux::Node|netns::Node`.
 */
export function matchesType(pattern: string, type: string): boolean {
  if (pattern.includes('|')) return pattern.split('|').some((alternative) => matchesType(alternative.trim(), type));
  if (pattern === type || pattern === '*') return true;
  if (!pattern.includes('*')) return false;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return regex.test(type);
}

/** The pattern and rule under which `type` may connect to `other`, if any. */
export function connectionRule(type: ResourceType, other: string): [string, ConnectionRule] | undefined {
  for (const [pattern, rule] of Object.entries(type.connectsTo)) if (matchesType(pattern, other)) return [pattern, rule];
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What a step actor's `handle` points to: built by the experiment controller, it turns a
 * step input into the context the type's step function receives.
 */
export interface StepHandle {
  stepContext(step: StepName, signal: AbortSignal): StepContext;
  /** The value of an attribute (timeouts and retries are read here). */
  get(name: string): unknown;
  /** The experiment's clock: timeouts and retry delays run on it. */
  readonly clock: Clock;
  /** Report one try of a step (see step-runner.ts). */
  reportTry?(report: TryReport): void;
}

const logicCache = new WeakMap<ResourceType, AnyActorLogic>();

/** The resource machine with this type's steps provided; built once per type. */
export function resourceLogic(type: ResourceType): AnyActorLogic {
  let logic = logicCache.get(type);
  if (!logic) {
    const actors = Object.fromEntries(
      STEPS.map((step) => [
        step,
        fromPromise<void, StepInput>(async ({ input, signal }) => {
          const fn = type.steps[step];
          if (!fn) return;
          const handle = input.handle as StepHandle;
          // timeouts, retries and the report of each try: see step-runner.ts
          await runStep(
            fn,
            {
              guid: input.guid,
              step,
              get: (name) => handle.get(name),
              context: (stepSignal) => handle.stepContext(step, stepSignal),
              clock: handle.clock,
              ownTimeout: type.ownTimeout?.includes(step) ?? false,
              ...(handle.reportTry ? { report: (report: TryReport) => handle.reportTry!(report) } : {}),
            },
            signal,
          );
        }),
      ]),
    );
    logic = resourceMachine.provide({ actors });
    logicCache.set(type, logic);
  }
  return logic;
}
