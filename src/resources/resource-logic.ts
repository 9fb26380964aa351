/**
 * A type's steps as the resource machine's step actors: `resourceMachine.provide({ actors })`,
 * built once per type. Each step actor runs the type's step through `runStep` (timeouts,
 * retries, the report of each try) with the context its resource's handle builds.
 */
import { fromPromise, type AnyActorLogic } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import { STEPS, type StepName } from '../../machines/lifecycle.js';
import { resourceMachine, type AttributeChange, type StepInput } from '../../machines/resource.js';
import type { ResourceType } from './resource-type.js';
import { runStep, type TryReport } from './step-runner.js';
import type { StepContext } from './views.js';

/**
 * What a step actor's `handle` points to: built by the experiment, it turns a step input
 * into the context the type's step function receives.
 */
export interface StepHandle {
  stepContext(step: StepName, signal: AbortSignal, change?: AttributeChange): StepContext;
  /** A runtime attribute's new value, once the `set` step applied it. */
  setRuntimeValue(name: string, value: unknown): void;
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
        fromPromise<AttributeChange | undefined, StepInput>(async ({ input, signal }) => {
          const fn = type.steps[step];
          const handle = input.handle as StepHandle;
          const change = input.change && { ...input.change, previous: handle.get(input.change.name) };
          if (fn) {
            // timeouts, retries and the report of each try: see step-runner.ts
            await runStep(
              fn,
              {
                guid: input.guid,
                step,
                get: (name) => handle.get(name),
                context: (stepSignal) => handle.stepContext(step, stepSignal, change),
                clock: handle.clock,
                ownTimeout: type.ownTimeout?.includes(step) ?? false,
                ...(handle.reportTry ? { report: (report: TryReport) => handle.reportTry!(report) } : {}),
              },
              signal,
            );
          }
          if (!change) return undefined;
          handle.setRuntimeValue(change.name, change.value);
          return change;
        }),
      ]),
    );
    logic = resourceMachine.provide({ actors });
    logicCache.set(type, logic);
  }
  return logic;
}
