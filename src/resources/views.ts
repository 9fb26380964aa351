/**
 * What a resource type's code sees: of one resource (`ResourceView`, and within a step
 * `StepContext`), of the node a resource runs on (`NodeView`), and of the whole experiment
 * (`ExperimentView`, read-only, in place of reading `experiment.json`).
 *
 * The views are typed over the type's attribute values `V`, its scratch data `D` and its
 * backend's session `S` (see `defineResourceType`), so `ctx.get('rate')`, `ctx.data` and
 * `ctx.session` need no casts; the defaults describe a resource whose type is not known.
 */
import type { Actor, ActorOptions, AnyActorLogic } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import type { StepName } from '../../machines/lifecycle.js';
import type { TraceOptions, TraceSource } from '../run/traces.js';
import type { AnyAttributeValues, AttributeValue } from './attributes.js';
import type { Executor } from './executor.js';

/** A resource: its name, type and attribute values, and what it is connected to. */
export interface ResourceView<V = AnyAttributeValues> {
  readonly guid: string;
  readonly type: string;
  /** The value of an attribute (its default when not set; `undefined` when it has neither). */
  get<K extends keyof V & string>(name: K): V[K];
  /** The resources connected to this one, optionally only those whose type matches `type` (a pattern). */
  connections(type?: string): readonly ResourceView[];
}

/** A node: a resource that others run on (its type has `node`), with the executor it gives them. */
export interface NodeView extends ResourceView {
  /** How commands run on this node: on this host, over SSH, inside its namespace... */
  readonly executor: Executor;
  /** Its addresses (CIDR) as far as nepi assigned or knows them; empty when none. */
  addresses(): readonly string[];
}

/** The experiment as registered so far, read-only and always current. */
export interface ExperimentView {
  readonly expId: string;
  readonly runId: string;
  /** The run directory `<localDir>/<expId>/<runId>` (absolute). */
  readonly runDir: string;
  readonly clock: Clock;
  /** Every resource, in registration order; with `type` (a pattern), those whose type matches. */
  resources(type?: string): readonly ResourceView[];
  /** The resource named `guid`, if there is one. */
  resource(guid: string): ResourceView | undefined;
  /** The resource named `guid` as a node, if it is one. */
  node(guid: string): NodeView | undefined;
  /**
   * Grows whenever a resource, a connection or an attribute value is added or changed: what a
   * session computed from the experiment is still right while this has not changed.
   */
  readonly revision: number;
  /**
   * An actor in the experiment's actor system (with its clock, seen by its inspection), not
   * started; a session stops the actors it made when it is disposed of.
   */
  createActor<L extends AnyActorLogic>(logic: L, options?: Omit<ActorOptions<L>, 'clock' | 'inspect' | 'parent'>): Actor<L>;
}

/** What a type's code gets to work with for one resource, outside a step too (probe, a node's executor). */
export interface ResourceScope<V = AnyAttributeValues, D = Record<string, unknown>, S = unknown> extends ResourceView<V> {
  /** Scratch space of this resource, kept across its steps: the type's `data()`, made on first use. */
  readonly data: D;
  /** The session of the type's backend for this experiment, opened on first use (undefined: no backend). */
  readonly session: S;
  readonly experiment: ExperimentView;
  readonly clock: Clock;
  readonly expId: string;
  readonly runId: string;
  /** The run directory `<localDir>/<expId>/<runId>`. */
  readonly runDir: string;
  /** This resource's own folder in the run directory, created on first call. */
  dir(): string;
  /** Whether trace `name` of this resource is collected. */
  traceEnabled(name: string): boolean;
  /** The names of its traces that are collected. */
  enabledTraces(): readonly string[];
  /** Where trace `name` goes: `<runDir>/<guid>/<name>`. */
  tracePath(name: string): string;
  /** Read trace `name` as `ec.trace()` does (from its source while it has one). */
  readTrace(name: string, options?: TraceOptions): Promise<string | number>;
  /**
   * Where trace `name` is read from while its file is not local yet (a remote application's
   * output, read from its host while it runs); `undefined` goes back to the file.
   */
  setTraceSource(name: string, source: TraceSource | undefined): void;
  /**
   * What this resource measured (e.g. a ping's `rtt` and `loss`): JSON values set by its
   * steps, written under the resource in the run summary (`summary.json`, `nepi show`).
   */
  readonly results: Record<string, unknown>;
  /**
   * The node this resource runs on: the resource it is connected to whose type is a node.
   * Throws a NepiError naming the resource when it is connected to none.
   */
  node(): NodeView;
}

/** What one step of one resource gets to work with. */
export interface StepContext<V = AnyAttributeValues, D = Record<string, unknown>, S = unknown> extends ResourceScope<V, D, S> {
  readonly step: StepName;
  /** In the `set` step: the runtime attribute that changes, its new value and the value before (`ctx.get` still reads the old one). */
  readonly change?: { readonly name: string; readonly value: unknown; readonly previous: unknown };
  /** Aborted when the step is cancelled (a release while it runs, leaving STARTED for `run`). */
  readonly signal: AbortSignal;
  /** Wait `ms` on the experiment's clock; rejects when the step is aborted. */
  sleep(ms: number): Promise<void>;
}

/** What a type's `probe` sees of a released resource (its scratch data as its steps left it). */
export type ProbeContext<V = AnyAttributeValues, D = Record<string, unknown>, S = unknown> = ResourceScope<V, D, S>;

/** A plain attribute value, as views hand them out when the type is not known. */
export type { AttributeValue };
