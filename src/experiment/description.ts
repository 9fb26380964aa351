/**
 * An experiment as data: what `experiment.json`, `ec.save()` and experiment files hold.
 * Resources are keyed by name (their guid); each lists the resources it connects to, the
 * attributes set on it and the conditions on its actions.
 */
import type { ResourceAction, ResourceState } from '../../machines/lifecycle.js';
import type { AttributeValue } from '../resources/attributes.js';
import type { Duration } from '../time/duration.js';

export interface ConditionDescription {
  readonly action: ResourceAction;
  readonly group: readonly string[];
  readonly state: ResourceState;
  readonly time?: Duration;
}

export interface ResourceDescription {
  readonly type: string;
  readonly connect?: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly conditions?: readonly ConditionDescription[];
}

export interface ExperimentDescription {
  readonly expId: string;
  readonly resources: Readonly<Record<string, ResourceDescription>>;
}
