/**
 * Stand-ins for `nepi plan`: for every type of a registry, a dummy of the same name with the
 * same attributes, connections and dependencies, whose steps only wait on the clock. A step
 * takes its `plan:` hint, else the resource's own `<step>Time` duration attribute when its
 * type has one (the dummy types do), else nothing. `run` is kept exactly where the real type
 * runs it (a resource that runs until stopped still does), or where a hint gives it.
 */
import { STEPS, type StepName } from '../../machines/lifecycle.js';
import { TypeRegistry } from '../resources/registry.js';
import { defineResourceType, type ResourceType } from '../resources/resource-type.js';
import type { ResourceView, StepContext } from '../resources/views.js';

/** Step durations in ms by resource guid, from the file's `plan:` hints. */
export type PlanDurations = ReadonlyMap<string, Readonly<Partial<Record<StepName, number>>>>;

/**
 * A registry holding the plan stand-in of every type of `source`; a stand-in of a type from a
 * types module is recorded as that module's, so that loading the module again adds nothing.
 */
export function planRegistry(source: TypeRegistry, durations: PlanDurations): TypeRegistry {
  const registry = new TypeRegistry();
  for (const type of source.list()) {
    const module = source.moduleOf(type.type);
    registry.register(planType(type, durations), module === undefined ? {} : { module });
  }
  return registry;
}

/** The plan stand-in of `original`. */
export function planType(original: ResourceType, durations: PlanDurations): ResourceType {
  const duration = (step: StepName, resource: ResourceView): number => {
    const hinted = durations.get(resource.guid)?.[step];
    if (hinted !== undefined) return hinted;
    const own = original.attributes[`${step}Time`];
    const value = own?.type === 'duration' ? resource.get(`${step}Time`) : undefined;
    return typeof value === 'number' ? value : 0;
  };
  const runs = (step: StepName, resource: ResourceView): boolean => {
    if (step !== 'run') return duration(step, resource) > 0;
    if (durations.get(resource.guid)?.run !== undefined) return true;
    return original.steps.run !== undefined && !(original.skipStep?.('run', resource) ?? false);
  };
  const steps = Object.fromEntries(
    STEPS.map((step) => [
      step,
      async (ctx: StepContext) => {
        const ms = duration(step, ctx);
        if (ms > 0) await ctx.sleep(ms);
      },
    ]),
  );
  return defineResourceType({
    type: original.type,
    help: `plan stand-in for ${original.type}: ${original.help}`,
    attributes: original.attributes,
    traces: original.traces,
    connectsTo: original.connectsTo,
    dependsOn: original.dependsOn,
    runsOn: original.runsOn,
    // still a node: what runs on it connects to it; its executor is never asked (nothing runs),
    // and it has no addresses (nothing was made: the real type would ask a session there is not)
    ...(original.node ? { node: { ...original.node, addresses: () => [] } } : {}),
    steps,
    skipStep: (step, resource) => !runs(step, resource),
  });
}
