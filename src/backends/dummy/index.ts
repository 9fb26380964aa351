/**
 * The dummy backend: resources that only take time, on the experiment's clock. For tests,
 * plans and benchmarks; with a virtual clock an experiment of dummies runs in virtual time.
 */
import type { StepName } from '../../../machines/lifecycle.js';
import type { AttributeSpec } from '../../resources/attributes.js';
import type { TypeRegistry } from '../../resources/registry.js';
import { defineResourceType, type ReattachFunction, type ReattachOutcome, type StepFunction } from '../../resources/resource-type.js';
import type { ResourceView, StepContext } from '../../resources/views.js';

const TIMED_STEPS = ['discover', 'provision', 'deploy', 'start', 'stop', 'release'] as const;

const timeAttribute = (step: string): AttributeSpec => ({
  type: 'duration',
  default: 0,
  help: `How long the ${step} step takes.`,
});

const attributes: Record<string, AttributeSpec> = {
  discoverTime: timeAttribute('discover'),
  provisionTime: timeAttribute('provision'),
  deployTime: timeAttribute('deploy'),
  startTime: timeAttribute('start'),
  stopTime: timeAttribute('stop'),
  releaseTime: timeAttribute('release'),
  runTime: {
    type: 'duration',
    help: 'How long after STARTED the resource finishes by itself; unset, it runs until stopped.',
  },
  rate: {
    type: 'string',
    runtime: true,
    help: 'A rate the resource works at (any text, e.g. 1mbit); may change while STARTED (ec.set, SET conditions), which only records the change.',
  },
  failAt: {
    type: 'enum',
    default: 'none',
    allowed: ['none', ...TIMED_STEPS, 'run', 'set'],
    help: 'The step at which the resource fails on purpose.',
  },
};

function timed(step: (typeof TIMED_STEPS)[number]): StepFunction {
  return async (ctx: StepContext) => {
    const ms = ctx.get(`${step}Time`) as number;
    if (ms > 0) await ctx.sleep(ms);
    if (ctx.get('failAt') === step) throw new Error(`dummy failure at ${step} (failAt: ${step})`);
  };
}

async function run(ctx: StepContext): Promise<void> {
  // resumed: only what was left of the run time when the controller died
  const ms = (ctx.data['runLeft'] as number | undefined) ?? (ctx.get('runTime') as number | undefined);
  if (ms !== undefined && ms > 0) await ctx.sleep(ms);
  if (ctx.get('failAt') === 'run') throw new Error('dummy failure while running (failAt: run)');
}

/**
 * Resume: a dummy that STARTED at `times.STARTED` still runs if its `runTime` has not passed
 * since (its run waits only for the time left), and ended otherwise. A dummy recorded READY
 * had started nothing (`gone`): its start runs again.
 */
function reattach(ctx: StepContext, recorded: Parameters<ReattachFunction>[1]): ReattachOutcome {
  if (recorded.state === 'READY') return { status: 'gone', reason: 'a dummy keeps nothing between steps' };
  if (recorded.state !== 'STARTED') return { status: 'running' };
  const runTime = ctx.get('runTime') as number | undefined;
  if (runTime === undefined) return { status: 'running' };
  const left = (recorded.times?.['STARTED'] ?? ctx.clock.now()) + runTime - ctx.clock.now();
  if (left > 0) {
    ctx.data['runLeft'] = left;
    return { status: 'running' };
  }
  return ctx.get('failAt') === 'run' ? { status: 'ended', ok: false, reason: 'dummy failure while running (failAt: run)' } : { status: 'ended', ok: true };
}

/** Zero-time steps that do not fail are skipped: they cost no actor. */
function skipStep(step: StepName, resource: ResourceView): boolean {
  const failAt = resource.get('failAt');
  if (step === 'run') return resource.get('runTime') === undefined && failAt !== 'run';
  return resource.get(`${step}Time`) === 0 && failAt !== step;
}

/** A change of `rate` while STARTED: recorded (by the engine), nothing else; it fails when `failAt` is `set`. */
function set(ctx: StepContext): void {
  if (ctx.get('failAt') === 'set') throw new Error(`dummy failure at set (failAt: set) of '${ctx.change!.name}'`);
}

const steps: Partial<Record<StepName, StepFunction>> = { run, set };
for (const step of TIMED_STEPS) steps[step] = timed(step);

/** `dummy::Node`: a simulated host; each step takes the time its attribute says, no I/O. */
export const DummyNode = defineResourceType({
  type: 'dummy::Node',
  help: 'A simulated host: each step takes the time its attribute says.',
  attributes,
  connectsTo: ['dummy::Application', 'dummy::Link'],
  steps,
  skipStep,
  reattach,
});

/** `dummy::Application`: a simulated application on one `dummy::Node`, deployed after its node is READY. */
export const DummyApplication = defineResourceType({
  type: 'dummy::Application',
  help: 'A simulated application on one dummy::Node; deploys after its node is READY.',
  attributes,
  connectsTo: { 'dummy::Node': { min: 1, max: 1 } },
  dependsOn: ['dummy::Node'],
  steps,
  skipStep,
  reattach,
  restartable: true,
});

/** A link between two dummy nodes, for topologies on the dummy backend (docs/experiment-files.md#topologies). */
export const DummyLink = defineResourceType({
  type: 'dummy::Link',
  help: 'A simulated link joining two dummy::Node (as netns::Link joins two netns::Node); deploys after both are READY.',
  attributes,
  connectsTo: { 'dummy::Node': { min: 2, max: 2 } },
  dependsOn: ['dummy::Node'],
  steps,
  skipStep,
  reattach,
});

/** Register the dummy types in `registry`. */
export function registerDummyTypes(registry: TypeRegistry): void {
  registry.register(DummyNode);
  registry.register(DummyApplication);
  registry.register(DummyLink);
}
