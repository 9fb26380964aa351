/**
 * Resource types: what a resource is (attributes, traces, what it connects to and depends
 * on, the backend it belongs to) and what it does at each lifecycle step. A type is plain
 * data plus step functions; the engine turns it into the resource machine with `.provide()`
 * (see resource-logic.ts).
 *
 * A type is typed over its attributes (`ctx.get('rate')` is a `string | undefined` when
 * `rate` is an optional string), its scratch data (`data: () => ({ ... })` types `ctx.data`)
 * and its backend's session (`ctx.session`), so its steps need no casts.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-argument --
   the defaults of the type parameters (`{}` for no attributes, `any` for a type of unknown attributes, data and
   session) and extendResourceType's untyped join of the base's steps with the new ones need them */
import type { StepName } from '../../machines/lifecycle.js';
import { STEPS } from '../../machines/lifecycle.js';
import { NepiError } from '../errors.js';
import { coerceAttribute, CRITICAL_ATTRIBUTE, type AnyAttributeValues, type AttributeSpec, type AttributeValues, type ValuesOf } from './attributes.js';
import type { Backend } from './backend.js';
import type { Executor, RecordedState } from './executor.js';
import { RELIABILITY_ATTRIBUTES } from './step-runner.js';
import type { ProbeContext, ResourceScope, ResourceView, StepContext } from './views.js';

export type { ProbeContext, ResourceScope, ResourceView, StepContext } from './views.js';

/** A resource type's attributes, by name. */
export type AttributeSpecs = Readonly<Record<string, AttributeSpec>>;

/** A trace a resource type writes (e.g. `stdout`): its help, and whether it is collected by default. */
export interface TraceSpec {
  readonly help: string;
  /** Whether the trace is collected unless disabled (default true). */
  readonly enabled?: boolean;
}

/** One lifecycle step of a resource type (`deploy`, `start`, `run`...): resolves when the step is done, throws to fail it. */
export type StepFunction<V = AnyAttributeValues, D = Record<string, unknown>, S = unknown> = (context: StepContext<V, D, S>) => Promise<void> | void;

/**
 * Look, after a resource was released, for anything it left behind (a live process, a
 * mounted file system, a namespace...). Returns one description per thing found; empty
 * means clean. Used by `testResourceType` from `nepi/testing`.
 */
export type ProbeFunction<V = AnyAttributeValues, D = Record<string, unknown>, S = unknown> = (resource: ProbeContext<V, D, S>) => Promise<string[]> | string[];

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
 * `READY`), the step it was in, if any, and when it entered each state. `ctx.data` starts new.
 */
export type ReattachFunction<V = AnyAttributeValues, D = Record<string, unknown>, S = unknown> = (
  context: StepContext<V, D, S>,
  recorded: RecordedState,
) => Promise<ReattachOutcome> | ReattachOutcome;

/** How many resources of a type a resource may connect to (`connectsTo: { 'dummy::Node': { min: 1, max: 1 } }`). */
export interface ConnectionRule {
  /** Least connections to resources of this type, checked at deploy. */
  readonly min?: number;
  /** Most connections to resources of this type, checked when connecting. */
  readonly max?: number;
}

/**
 * A node type: other resources run on it (those whose type has `runsOn`). It gives them the
 * executor that runs their commands where it is, and may name the resources connected to it
 * that what runs on it must wait for.
 */
export interface NodeSpec<V = AnyAttributeValues, D = Record<string, unknown>, S = unknown> {
  /** How commands run on this node; asked once per node, the first time something running on it needs it. */
  executor(node: ResourceScope<V, D, S>): Executor;
  /** Its addresses (CIDR), e.g. for `linux::Ping`'s `target` naming the node; default: none known. */
  addresses?(node: ResourceScope<V, D, S>): readonly string[];
  /**
   * How to reach the node from outside the run (`nepi exec`, `nepi shell`, `nepi inspect`),
   * from what the run directory recorded: no session, no live state. Default: it cannot be.
   */
  access?(node: RecordedNode): NodeAccess;
  /**
   * Types (patterns) of resources connected to the node that what runs on it deploys after and
   * is released before: a `netns::Node`'s links, so that its applications find its interfaces.
   */
  readonly ready?: readonly string[];
}

/** One thing a type measures: what it is, and its unit (`ms`, `%`, `Mbit/s`) when it has one; an object's numbers share it. */
export interface ResultSpec {
  readonly help: string;
  readonly unit?: string;
}

/** A node of a run, as its run directory recorded it: its attributes (with the type's defaults) and where the run is. */
export interface RecordedNode extends Pick<ResourceView, 'guid' | 'type' | 'get'> {
  readonly expId: string;
  readonly runId: string;
  /** The run directory (absolute). */
  readonly runDir: string;
}

/** How a command reaches a node of a running experiment. */
export interface NodeAccess {
  /** Where commands run, as messages say it: `this host`, `namespace nepi-ab12cd-n1`, `user@host:22`. */
  readonly where: string;
  /**
   * The program and its arguments that run `command` (a bash command line) on the node, in the
   * run's folder there, or an interactive login shell there when `command` is undefined.
   * `tty`: a terminal is wanted (an interactive shell on a terminal); `sshOptions`: OpenSSH
   * `-o` options (`Key=value`) for a node reached over SSH.
   */
  argv(command: string | undefined, options: { readonly tty: boolean; readonly sshOptions?: readonly string[] }): readonly string[];
  /** The folder the command starts in on this machine, when it runs here. */
  readonly cwd?: string;
}

type SessionOf<B> = B extends Backend<infer S> ? S : undefined;

/** What {@link defineResourceType} takes: a type's name, help, backend, attributes, connections, steps and traces. */
export interface ResourceTypeDefinition<
  A extends AttributeSpecs = AttributeSpecs,
  D = Record<string, unknown>,
  B extends Backend<any> | undefined = undefined,
  V = ValuesOf<A>,
  S = SessionOf<B>,
> {
  /** `backend::Name`, e.g. `dummy::Node`. */
  readonly type: string;
  readonly help: string;
  /** The backend whose session its steps get as `ctx.session` (see backend.ts). */
  readonly backend?: B;
  readonly attributes?: A;
  /** The scratch data each resource starts with (`ctx.data`); made the first time it is used. */
  readonly data?: () => D;
  readonly traces?: Readonly<Record<string, TraceSpec>>;
  /** What it measures (`ctx.results`), by key: its meaning and unit, for summaries and `nepi types`. */
  readonly results?: Readonly<Record<string, ResultSpec>>;
  /** Type names (`*` matches any part, `|` separates alternatives) this type may connect to, with optional counts. */
  readonly connectsTo?: readonly string[] | Readonly<Record<string, ConnectionRule>>;
  /**
   * Connected types this one deploys after (once READY) and releases before. A pattern
   * `A > B` reaches one step further: the resources of type B connected to the resource of
   * type A this one is connected to.
   */
  readonly dependsOn?: readonly string[];
  /**
   * It runs on a node: it is connected to exactly one resource whose type is a node (has
   * `node`), whatever that type is; it deploys after that node (and after what the node's
   * `ready` names) and is released before it; its steps reach the node with `ctx.node()`.
   */
  readonly runsOn?: boolean;
  /** It is a node: see NodeSpec. Resources whose type has `runsOn` may connect to it. */
  readonly node?: NodeSpec<V, D, S>;
  readonly steps?: Partial<Readonly<Record<StepName, StepFunction<V, D, S>>>>;
  /** Skip a step this resource has nothing to do in (e.g. a zero-time dummy step): it then costs no actor. */
  readonly skipStep?: (step: StepName, resource: ResourceView<V>) => boolean;
  /** Find what a released resource left behind (see ProbeFunction); for tests. */
  readonly probe?: ProbeFunction<V, D, S>;
  /** Find again what the resource created before a controller crash (see ReattachFunction). */
  readonly reattach?: ReattachFunction<V, D, S>;
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
  /**
   * A STOPPED resource of this type may start again (`ec.start`: NEPI starts from READY or
   * STOPPED): its `start` and `run` steps run again, and its traces should go on (append).
   */
  readonly restartable?: boolean;
}

/** A checked type, as `defineResourceType` returns it. `V`, `D` and `S` as in ResourceTypeDefinition. */
// `any` defaults: a type of unknown attributes, data and session is any type (the engine, registries)
export interface ResourceType<V = any, D = any, S = any> {
  readonly type: string;
  readonly help: string;
  readonly backend: Backend | undefined;
  /** Every attribute, the built-in ones (`critical`, timeouts, retries) included. */
  readonly attributes: AttributeSpecs;
  /** As in {@link ResourceTypeDefinition.data}. */
  readonly data: (() => D) | undefined;
  readonly traces: Readonly<Record<string, TraceSpec>>;
  readonly results: Readonly<Record<string, ResultSpec>>;
  readonly connectsTo: Readonly<Record<string, ConnectionRule>>;
  readonly dependsOn: readonly string[];
  readonly runsOn: boolean;
  readonly node: NodeSpec<V, D, S> | undefined;
  readonly steps: Partial<Readonly<Record<StepName, StepFunction<V, D, S>>>>;
  /** As in {@link ResourceTypeDefinition.skipStep}. */
  readonly skipStep: ((step: StepName, resource: ResourceView<V>) => boolean) | undefined;
  readonly probe?: ProbeFunction<V, D, S>;
  readonly reattach?: ReattachFunction<V, D, S>;
  readonly ownTimeout?: readonly StepName[];
  readonly runWatches?: boolean;
  readonly restartable?: boolean;
}

const TYPE_NAME = /^[A-Za-z][\w-]*::[A-Za-z][\w-]*$/;

/**
 * Check and normalise a type definition; every type gets the `critical` attribute and the
 * timeouts and retries (`deployTimeout`, `startTimeout`, `stopTimeout`, `retries`,
 * `retryDelay`). A type may declare one of those itself (its own default and help), of the
 * same kind.
 *
 * @example
 * const Blinker = defineResourceType({
 *   type: 'lab::Blinker',
 *   help: 'Blinks a LED',
 *   attributes: { period: { type: 'duration', default: '1s', help: 'Between two blinks.' } },
 *   data: () => ({ blinks: 0 }),
 *   steps: { run: async (ctx) => { await ctx.sleep(ctx.get('period')); ctx.data.blinks++; } },
 * });
 */
export function defineResourceType<const A extends AttributeSpecs = {}, D = Record<string, unknown>, B extends Backend<any> | undefined = undefined>(
  definition: ResourceTypeDefinition<A, D, B>,
): ResourceType<ValuesOf<A>, D, SessionOf<B>> {
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
  if (definition.backend !== undefined && definition.backend.kind !== 'backend') {
    throw new NepiError(`type '${definition.type}': 'backend' must be made by defineBackend`, { type: definition.type });
  }
  const attributes: Record<string, AttributeSpec> = { critical: CRITICAL_ATTRIBUTE, ...RELIABILITY_ATTRIBUTES };
  for (const [name, spec] of Object.entries<AttributeSpec>(definition.attributes ?? {})) {
    const builtin = name === 'critical' ? CRITICAL_ATTRIBUTE : Object.hasOwn(RELIABILITY_ATTRIBUTES, name) ? RELIABILITY_ATTRIBUTES[name] : undefined;
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
    const clash = spec.runtime && (spec.readOnly ? 'readOnly' : spec.design ? 'design' : undefined);
    if (clash) {
      throw new NepiError(`type '${definition.type}': attribute '${name}' cannot be both runtime and ${clash}`, { type: definition.type, attribute: name });
    }
    if (spec.readOnly && spec.required) {
      throw new NepiError(`type '${definition.type}': attribute '${name}' cannot be both readOnly and required (the user never sets it)`, {
        type: definition.type,
        attribute: name,
      });
    }
    // defaults obey their own declaration; a duration default is kept in ms like any value
    attributes[name] =
      spec.default === undefined ? spec : { ...spec, default: coerceAttribute(spec, spec.default, { type: definition.type, attribute: `${name} (default)` }) };
  }
  const connectsTo = Array.isArray(definition.connectsTo)
    ? Object.fromEntries((definition.connectsTo as readonly string[]).map((pattern) => [pattern, {}]))
    : { ...(definition.connectsTo as Record<string, ConnectionRule> | undefined) };
  return Object.freeze({
    type: definition.type,
    help: definition.help,
    backend: definition.backend,
    attributes: Object.freeze(attributes),
    data: definition.data,
    traces: Object.freeze({ ...definition.traces }),
    results: Object.freeze({ ...definition.results }),
    connectsTo: Object.freeze(connectsTo),
    dependsOn: Object.freeze([...(definition.dependsOn ?? [])]),
    runsOn: definition.runsOn === true,
    node: definition.node,
    steps: Object.freeze({ ...definition.steps }),
    skipStep: definition.skipStep,
    ...(definition.probe ? { probe: definition.probe } : {}),
    ...(definition.reattach ? { reattach: definition.reattach } : {}),
    ...(definition.ownTimeout ? { ownTimeout: Object.freeze([...definition.ownTimeout]) } : {}),
    ...(definition.runWatches ? { runWatches: true } : {}),
    ...(definition.restartable ? { restartable: true } : {}),
  });
}

/** What `extendResourceType` changes of the base type; unnamed parts are the base's. */
export interface ResourceTypeOverrides<V, D, S, A extends AttributeSpecs> {
  /** The new type's name (a type is registered under one name). */
  readonly type: string;
  readonly help?: string;
  /** Attributes added, or declared again (another default, help or range). */
  readonly attributes?: A;
  /** Attributes of the base the new type does not have. */
  readonly omit?: readonly string[];
  readonly traces?: Readonly<Record<string, TraceSpec>>;
  readonly results?: Readonly<Record<string, ResultSpec>>;
  readonly connectsTo?: ResourceTypeDefinition['connectsTo'];
  readonly dependsOn?: readonly string[];
  /** Steps replaced (or added); the others stay the base's. */
  readonly steps?: Partial<Readonly<Record<StepName, StepFunction<V, D, S>>>>;
  /** Replaces the base's `skipStep`. */
  readonly skipStep?: (step: StepName, resource: ResourceView<V>) => boolean;
  readonly probe?: ProbeFunction<V, D, S>;
  readonly reattach?: ReattachFunction<V, D, S>;
  readonly ownTimeout?: readonly StepName[];
}

/** The attribute values of a type extended with attributes `A`: the base's when `A` adds none, so the base's steps take its context. */
export type ExtendedValues<BV, A extends AttributeSpecs> = [keyof A] extends [never]
  ? BV
  : string extends keyof A
    ? BV
    : Omit<BV, keyof A> & AttributeValues<A>;

/**
 * A new type made of `base` and `overrides`: the reuse of a type made explicit. The new
 * type keeps the base's backend, data, connections, dependencies, node or `runsOn`, and every
 * step it does not replace; `linux::Ping` is `linux::Application` with its own attributes and
 * a start that builds the ping command.
 *
 * @example
 * const Iperf = extendResourceType(LinuxApplication, {
 *   type: 'lab::Iperf',
 *   help: 'iperf3 client',
 *   omit: ['command'],
 *   attributes: { server: { type: 'string', required: true, help: 'Address of the server.' } },
 *   steps: { start: (ctx) => ctx.node().executor.start(ctx, launchOf(ctx, `iperf3 -c ${ctx.get('server')}`)) },
 * });
 */
export function extendResourceType<BV, D, S, const A extends AttributeSpecs = {}>(
  base: ResourceType<BV, D, S>,
  overrides: ResourceTypeOverrides<ExtendedValues<BV, A>, D, S, A>,
): ResourceType<ExtendedValues<BV, A>, D, S> {
  const omitted = new Set(overrides.omit ?? []);
  for (const name of omitted) {
    if (!Object.hasOwn(base.attributes, name)) {
      throw new NepiError(`extending '${base.type}' into '${overrides.type}': it has no attribute '${name}' to omit`, { type: overrides.type });
    }
    if (name === 'critical' || Object.hasOwn(RELIABILITY_ATTRIBUTES, name)) {
      throw new NepiError(`extending '${base.type}' into '${overrides.type}': '${name}' is built in and cannot be omitted`, { type: overrides.type });
    }
  }
  const attributes = Object.fromEntries(Object.entries(base.attributes).filter(([name]) => !omitted.has(name)));
  // the inherited steps read the base's attributes: the new type is one of its kind
  type Loose = ResourceTypeDefinition<AttributeSpecs, D, Backend<any> | undefined, any, any>;
  const definition: Loose = {
    type: overrides.type,
    help: overrides.help ?? base.help,
    ...(base.backend ? { backend: base.backend } : {}),
    attributes: { ...attributes, ...overrides.attributes },
    ...(base.data ? { data: base.data } : {}),
    traces: overrides.traces ?? base.traces,
    results: overrides.results ?? base.results,
    connectsTo: overrides.connectsTo ?? base.connectsTo,
    dependsOn: overrides.dependsOn ?? base.dependsOn,
    runsOn: base.runsOn,
    ...(base.node ? { node: base.node } : {}),
    steps: { ...base.steps, ...overrides.steps } as Loose['steps'],
    ...((overrides.skipStep ?? base.skipStep) ? { skipStep: (overrides.skipStep ?? base.skipStep) as Loose['skipStep'] } : {}),
    ...((overrides.probe ?? base.probe) ? { probe: (overrides.probe ?? base.probe) as Loose['probe'] } : {}),
    ...((overrides.reattach ?? base.reattach) ? { reattach: (overrides.reattach ?? base.reattach) as Loose['reattach'] } : {}),
    ...((overrides.ownTimeout ?? base.ownTimeout) ? { ownTimeout: overrides.ownTimeout ?? base.ownTimeout } : {}),
    ...(base.runWatches ? { runWatches: true } : {}),
    ...(base.restartable ? { restartable: true } : {}),
  };
  return defineResourceType(definition) as ResourceType<ExtendedValues<BV, A>, D, S>;
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

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
