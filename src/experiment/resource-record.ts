/**
 * What the experiment controller keeps of one registered resource: its type, attribute
 * values, connections, enabled traces and the backend's scratch data. It is also the
 * `handle` its steps get, and builds their StepContext.
 */
import { join } from 'node:path';
import type { Clock } from '../../machines/clock.js';
import type { StepName } from '../../machines/lifecycle.js';
import type { RunDirectory } from '../run/run-directory.js';
import type { AttributeValue } from '../resources/attributes.js';
import type { TryReport } from '../resources/step-runner.js';
import { sleep } from '../time/sleep.js';
import { matchesType, type ResourceType, type ResourceView, type StepContext, type StepHandle } from '../resources/resource-type.js';

/** What every record of one controller shares. */
export interface RecordEnvironment {
  readonly lookup: (guid: string) => ResourceRecord;
  readonly clock: Clock;
  readonly expId: string;
  readonly runId: string;
  readonly runDir: string;
  /** The run directory, when the controller keeps one. */
  readonly run: RunDirectory | undefined;
  /** Told of each try of a step that failed, or succeeded after failures (see step-runner.ts). */
  readonly onTry?: (report: TryReport) => void;
}

export class ResourceRecord implements ResourceView, StepHandle {
  readonly attributes = new Map<string, AttributeValue>();
  /** Attribute values as the user gave them (a duration as "2s", not 2000), for saving. */
  readonly given = new Map<string, unknown>();
  readonly connections = new Set<string>();
  readonly traces = new Set<string>();
  readonly data: Record<string, unknown> = {};
  /** What its steps measured (StepContext.results), for the run summary. */
  readonly results: Record<string, unknown> = {};

  constructor(
    readonly guid: string,
    readonly resourceType: ResourceType,
    private readonly env: RecordEnvironment,
  ) {
    for (const [name, spec] of Object.entries(resourceType.attributes)) {
      if (spec.default !== undefined) this.attributes.set(name, spec.default);
    }
    for (const [name, spec] of Object.entries(resourceType.traces)) {
      if (spec.enabled !== false) this.traces.add(name);
    }
  }

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
    return this.attributes.get(name);
  }

  /** Whether this resource runs `step`: its type has the step and does not skip it. */
  runs(step: StepName): boolean {
    return this.resourceType.steps[step] !== undefined && !this.resourceType.skipStep?.(step, this);
  }

  connected(type?: string): ResourceRecord[] {
    const records = [...this.connections].map(this.env.lookup);
    return type === undefined ? records : records.filter((record) => matchesType(type, record.type));
  }

  /** Where trace `name` of this resource is (or would be) written. */
  tracePath(name: string): string {
    return join(this.env.runDir, this.guid, name);
  }

  stepContext(step: StepName, signal: AbortSignal): StepContext {
    const { clock, run } = this.env;
    return {
      guid: this.guid,
      type: this.type,
      step,
      signal,
      clock,
      data: this.data,
      expId: this.env.expId,
      runId: this.env.runId,
      runDir: this.env.runDir,
      get: (name) => this.get(name),
      connections: (type) => this.connected(type),
      sleep: (ms) => sleep(clock, ms, signal),
      dir: () => {
        if (!run) throw new Error(`resource '${this.guid}' has no run directory: the controller was created with record: false`);
        return run.resourceDir(this.guid);
      },
      traceEnabled: (name) => this.traces.has(name),
      tracePath: (name) => this.tracePath(name),
      results: this.results,
    };
  }
}
