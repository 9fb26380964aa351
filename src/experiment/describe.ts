/** The experiment as data (`experiment.json`, saved files): resources by name, as registered. */
import type { ConditionAction, ResourceState } from '../../machines/lifecycle.js';
import { CREDENTIAL_MASK, type AttributeValue } from '../resources/attributes.js';
import type { Duration } from '../time/duration.js';
import type { OnTimeout } from './rules.js';
import type { ConditionDescription, ExperimentDescription, ResourceDescription } from './description.js';
import type { ResourceRecord } from './resource-record.js';

export interface RegisteredCondition {
  readonly targets: readonly string[];
  readonly action: ConditionAction;
  /** SET: the attribute and the value as given. */
  readonly set?: { readonly name: string; readonly value: unknown };
  readonly group: readonly string[];
  readonly state: ResourceState;
  readonly time: Duration;
  /** As given (absent: no timeout). */
  readonly timeout?: Duration;
  readonly onTimeout?: OnTimeout;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Resources in registration order with their type, attributes as given, connections and conditions. */
export function describeExperiment(
  expId: string,
  records: ReadonlyMap<string, ResourceRecord>,
  registered: readonly RegisteredCondition[],
): ExperimentDescription {
  const order = new Map([...records.keys()].map((guid, i) => [guid, i]));
  const conditions = new Map<string, ConditionDescription[]>();
  for (const condition of registered) {
    for (const target of condition.targets) {
      const secret = condition.set !== undefined && records.get(target)?.isCredential(condition.set.name) === true;
      const entry: Mutable<ConditionDescription> = {
        action: condition.action,
        ...(condition.set ? { attribute: condition.set.name, value: (secret ? CREDENTIAL_MASK : condition.set.value) as AttributeValue } : {}),
        group: condition.group,
        state: condition.state,
      };
      if (condition.time !== 0) entry.time = condition.time;
      if (condition.timeout !== undefined) {
        entry.timeout = condition.timeout;
        entry.onTimeout = condition.onTimeout ?? 'fail';
      }
      conditions.set(target, [...(conditions.get(target) ?? []), entry]);
    }
  }
  const resources: Record<string, ResourceDescription> = {};
  for (const [guid, record] of records) {
    const description: Mutable<ResourceDescription> = { type: record.type };
    // a connection is listed once, by the resource registered later
    const connect = record.peers().filter((other) => order.get(other)! < order.get(guid)!);
    if (connect.length > 0) description.connect = connect;
    const given = record.given();
    // a credential is never written out (experiment.json, a saved file, the live view): `***`
    const shown = [...given].map(([name, value]) => [name, record.isCredential(name) ? CREDENTIAL_MASK : value]);
    if (given.size > 0) description.attributes = Object.fromEntries(shown) as ResourceDescription['attributes'];
    const own = conditions.get(guid);
    if (own) description.conditions = own;
    resources[guid] = description;
  }
  return { expId, resources };
}
