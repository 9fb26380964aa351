/**
 * An experiment as data: what `experiment.json`, `ec.save()` and experiment files hold.
 * Resources are keyed by name (their guid); each lists the resources it connects to, the
 * attributes set on it and the conditions on its actions.
 */
import type { ConditionAction, ResourceState, StepName } from '../../machines/lifecycle.js';
import type { AttributeValue } from '../resources/attributes.js';
import type { Duration } from '../time/duration.js';

/** A condition on one of a resource's actions: `action` waits until every member of `group` reached `state`, then `time` more. */
export interface ConditionDescription {
  readonly action: ConditionAction;
  /** SET: the runtime attribute that changes, and the value it takes. */
  readonly attribute?: string;
  readonly value?: AttributeValue;
  readonly group: readonly string[];
  readonly state: ResourceState;
  readonly time?: Duration;
  /** Give up waiting after this long (docs/conditions.md#condition-timeouts). */
  readonly timeout?: Duration;
  /** What giving up does: fail the resource (default) or skip the condition. */
  readonly onTimeout?: 'fail' | 'skip';
}

/** One resource: its type, what it connects to, its attributes and the conditions on its actions. */
export interface ResourceDescription {
  readonly type: string;
  readonly connect?: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly conditions?: readonly ConditionDescription[];
  /** How long each step is expected to take, for `nepi plan` only (see docs/plan.md). */
  readonly plan?: PlanHints;
}

/** Expected step durations by step name (`deploy: 2s`, `run: 10s`): hints for `nepi plan`. */
export type PlanHints = Readonly<Partial<Record<StepName, Duration>>>;

/** An experiment as data (`experiment.json`, `ec.save()`, experiment files): its id and its resources keyed by guid. */
export interface ExperimentDescription {
  readonly expId: string;
  readonly resources: Readonly<Record<string, ResourceDescription>>;
}

/**
 * An experiment as a file holds it: like {@link ExperimentDescription}, but `expId` may be
 * left out (the controller then makes one up, or the loader's options give it).
 */
export type ExperimentFileDescription = Omit<ExperimentDescription, 'expId'> & {
  readonly expId?: string;
  /**
   * The types modules the file names (paths relative to its folder), whose resource types its
   * resources may use: loaded by `loadExperimentFile` (docs/resource-types.md#types-modules),
   * not by the controller.
   */
  readonly types?: readonly string[];
};
