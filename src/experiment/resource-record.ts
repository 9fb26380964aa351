/**
 * What the experiment controller keeps of one registered resource: its type, attribute
 * values, connections and the backend's scratch data. It is also the `handle` its steps get.
 */
import type { Clock } from '../../machines/clock.js';
import type { StepName } from '../../machines/lifecycle.js';
import type { AttributeValue } from '../resources/attributes.js';
import { matchesType, type ResourceType, type ResourceView, type StepContext, type StepHandle } from '../resources/resource-type.js';

export class ResourceRecord implements ResourceView, StepHandle {
  readonly attributes = new Map<string, AttributeValue>();
  readonly connections = new Set<string>();
  readonly data: Record<string, unknown> = {};

  constructor(
    readonly guid: string,
    readonly resourceType: ResourceType,
    private readonly lookup: (guid: string) => ResourceRecord,
    private readonly clock: Clock,
  ) {
    for (const [name, spec] of Object.entries(resourceType.attributes)) {
      if (spec.default !== undefined) this.attributes.set(name, spec.default);
    }
  }

  get type(): string {
    return this.resourceType.type;
  }

  get(name: string): AttributeValue | undefined {
    return this.attributes.get(name);
  }

  /** Whether this resource runs `step`: its type has the step and does not skip it. */
  runs(step: StepName): boolean {
    return this.resourceType.steps[step] !== undefined && !this.resourceType.skipStep?.(step, this);
  }

  connected(type?: string): ResourceRecord[] {
    const records = [...this.connections].map(this.lookup);
    return type === undefined ? records : records.filter((record) => matchesType(type, record.type));
  }

  stepContext(step: StepName, signal: AbortSignal): StepContext {
    const clock = this.clock;
    return {
      guid: this.guid,
      type: this.type,
      step,
      signal,
      clock,
      data: this.data,
      get: (name) => this.get(name),
      connections: (type) => this.connected(type),
      sleep: (ms) => sleep(clock, ms, signal),
    };
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
