/**
 * What an experiment keeps of one registered resource: its type, the attribute values set on
 * it, its connections, its traces, its scratch data and what it measured. It is also the
 * `handle` its steps get, and builds the contexts its type's code sees.
 *
 * Everything a resource may never use is made on first use: the values it was given (the
 * others are read from its type's declarations), its own trace list (until one is enabled or
 * disabled it shares its type's), its data, results and trace sources.
 */
import { join } from 'node:path';
import type { Clock } from '../../machines/clock.js';
import type { StepName } from '../../machines/lifecycle.js';
import { NepiError } from '../errors.js';
import type { AttributeValue } from '../resources/attributes.js';
import type { Executor } from '../resources/executor.js';
import type { StepHandle } from '../resources/resource-logic.js';
import { matchesType, type ResourceType } from '../resources/resource-type.js';
import type { TryReport } from '../resources/step-runner.js';
import type { ExperimentView, NodeView, ResourceScope, ResourceView, StepContext } from '../resources/views.js';
import type { RunDirectory } from '../run/run-directory.js';
import { readTrace, type TraceOptions, type TraceSource } from '../run/traces.js';
import { sleep } from '../time/sleep.js';
import type { Sessions } from './sessions.js';

/** What every record of one experiment shares. */
export interface RecordEnvironment {
  readonly lookup: (guid: string) => ResourceRecord | undefined;
  readonly experiment: ExperimentView;
  readonly sessions: Sessions;
  readonly clock: Clock;
  readonly expId: string;
  readonly runId: string;
  readonly runDir: string;
  readonly run: RunDirectory;
  /** Told of each try of a step that failed, or succeeded after failures (see step-runner.ts). */
  readonly onTry?: (report: TryReport) => void;
}

/** The traces of each type collected unless disabled: shared by its resources until one changes its own. */
const defaultTraces = new WeakMap<ResourceType, ReadonlySet<string>>();

function tracesOn(type: ResourceType): ReadonlySet<string> {
  let set = defaultTraces.get(type);
  if (!set) {
    set = new Set(Object.entries(type.traces).flatMap(([name, spec]) => (spec.enabled === false ? [] : [name])));
    defaultTraces.set(type, set);
  }
  return set;
}

export class ResourceRecord implements ResourceView, StepHandle {
  #values: Map<string, AttributeValue> | undefined;
  #given: Map<string, unknown> | undefined;
  #peers: Set<string> | undefined;
  #traces: Set<string> | undefined;
  #data: unknown;
  #results: Record<string, unknown> | undefined;
  #sources: Map<string, TraceSource> | undefined;
  #scope: ResourceScope | undefined;
  #node: NodeView | undefined;

  constructor(
    readonly guid: string,
    readonly resourceType: ResourceType,
    private readonly env: RecordEnvironment,
  ) {}

  get type(): string {
    return this.resourceType.type;
  }

  get clock(): Clock {
    return this.env.clock;
  }

  reportTry(report: TryReport): void {
    this.env.onTry?.(report);
  }

  get(name: string): AttributeValue | undefined {
    return this.#values?.get(name) ?? this.resourceType.attributes[name]?.default;
  }

  /** Set a checked value (`given` as the user wrote it, for saving); `undefined` goes back to the default. */
  setValue(name: string, value: AttributeValue | undefined, given: unknown): void {
    if (value === undefined) {
      this.#values?.delete(name);
      this.#given?.delete(name);
      return;
    }
    (this.#values ??= new Map()).set(name, value);
    (this.#given ??= new Map()).set(name, given);
  }

  /** Whether attribute `name` is a credential (its values are shown as `***` outside the steps). */
  isCredential(name: string): boolean {
    return this.resourceType.attributes[name]?.credential === true;
  }

  /** A runtime attribute's value once the `set` step applied it (checked already); the value as given, which experiment.json keeps, stays. */
  setRuntimeValue(name: string, value: unknown): void {
    (this.#values ??= new Map()).set(name, value);
  }

  /** The attribute values as the user gave them, in the order they were set. */
  given(): ReadonlyMap<string, unknown> {
    return this.#given ?? new Map();
  }

  /** Whether this resource runs `step`: its type has the step and does not skip it. */
  runs(step: StepName): boolean {
    return this.resourceType.steps[step] !== undefined && !this.resourceType.skipStep?.(step, this);
  }

  isConnectedTo(guid: string): boolean {
    return this.#peers?.has(guid) ?? false;
  }

  addPeer(guid: string): void {
    (this.#peers ??= new Set()).add(guid);
  }

  removePeer(guid: string): void {
    this.#peers?.delete(guid);
  }

  /** The guids of the resources connected to this one, in connection order. */
  peers(): readonly string[] {
    return this.#peers ? [...this.#peers] : [];
  }

  connectedRecords(): ResourceRecord[] {
    const records: ResourceRecord[] = [];
    for (const guid of this.#peers ?? []) {
      const record = this.env.lookup(guid);
      if (record) records.push(record);
    }
    return records;
  }

  connections(type?: string): ResourceRecord[] {
    const records = this.connectedRecords();
    return type === undefined ? records : records.filter((record) => matchesType(type, record.type));
  }

  get data(): Record<string, unknown> {
    return (this.#data ??= this.resourceType.data?.() ?? {}) as Record<string, unknown>;
  }

  /** Scratch data found again by a resume (its type's `reattach` put it there). */
  restoreData(data: Readonly<Record<string, unknown>>): void {
    Object.assign(this.data, data);
  }

  /** What its steps measured (ResourceScope.results), for the run summary; undefined when nothing. */
  get results(): Record<string, unknown> {
    return (this.#results ??= {});
  }

  measured(): Readonly<Record<string, unknown>> | undefined {
    return this.#results && Object.keys(this.#results).length > 0 ? { ...this.#results } : undefined;
  }

  traceEnabled(name: string): boolean {
    return (this.#traces ?? tracesOn(this.resourceType)).has(name);
  }

  enabledTraces(): readonly string[] {
    return [...(this.#traces ?? tracesOn(this.resourceType))];
  }

  setTraceEnabled(name: string, on: boolean): void {
    const traces = (this.#traces ??= new Set(tracesOn(this.resourceType)));
    if (on) traces.add(name);
    else traces.delete(name);
  }

  /** Where trace `name` of this resource is (or would be) written. */
  tracePath(name: string): string {
    return join(this.env.runDir, this.guid, name);
  }

  setTraceSource(name: string, source: TraceSource | undefined): void {
    if (source) (this.#sources ??= new Map()).set(name, source);
    else this.#sources?.delete(name);
  }

  readTrace(name: string, options?: TraceOptions): Promise<string | number> {
    return readTrace(this.tracePath(name), options, this.#sources?.get(name));
  }

  /** The node it runs on (see ResourceScope.node). */
  node(): NodeView {
    const node = this.connectedRecords().find((record) => record.resourceType.node !== undefined);
    if (!node) {
      throw new NepiError(
        `resource '${this.guid}' (${this.type}) runs on no node: connect it to a node (a resource whose type is a node, such as linux::Node)`,
        {
          guid: this.guid,
          type: this.type,
        },
      );
    }
    return node.asNode()!;
  }

  /** This resource as a node, when its type is one; its executor is made the first time it is asked for. */
  asNode(): NodeView | undefined {
    const spec = this.resourceType.node;
    if (!spec) return undefined;
    if (!this.#node) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below have their own `this`
      const record = this;
      let executor: Executor | undefined;
      this.#node = {
        guid: this.guid,
        type: this.type,
        get: (name) => record.get(name),
        connections: (type) => record.connections(type),
        get executor() {
          return (executor ??= spec.executor(record.scope()));
        },
        addresses: () => spec.addresses?.(record.scope()) ?? [],
      };
    }
    return this.#node;
  }

  /** What the type's code sees of this resource outside a step (a probe, a node's executor). */
  scope(): ResourceScope {
    if (!this.#scope) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below have their own `this`
      const record = this;
      const env = this.env;
      this.#scope = {
        guid: this.guid,
        type: this.type,
        get: (name) => record.get(name),
        connections: (type) => record.connections(type),
        get data() {
          return record.data;
        },
        get session() {
          return env.sessions.get(record.resourceType.backend);
        },
        experiment: env.experiment,
        clock: env.clock,
        expId: env.expId,
        runId: env.runId,
        runDir: env.runDir,
        dir: () => env.run.resourceDir(record.guid),
        traceEnabled: (name) => record.traceEnabled(name),
        enabledTraces: () => record.enabledTraces(),
        tracePath: (name) => record.tracePath(name),
        readTrace: (name, options) => record.readTrace(name, options),
        setTraceSource: (name, source) => record.setTraceSource(name, source),
        get results() {
          return record.results;
        },
        node: () => record.node(),
      };
    }
    return this.#scope;
  }

  stepContext(step: StepName, signal: AbortSignal, change?: StepContext['change']): StepContext {
    const clock = this.env.clock;
    const context = Object.create(this.scope()) as { -readonly [K in keyof StepContext]: StepContext[K] };
    context.step = step;
    if (change) context.change = change;
    context.signal = signal;
    context.sleep = (ms) => sleep(clock, ms, signal);
    return context;
  }
}
