/**
 * What must hold before resources are deployed, checked before anything changes: required
 * attributes set, enough connections, dependencies and condition members deployed, no
 * condition that can never hold, no cycle. Also the checks of one condition being registered.
 */
import type { ConditionIndex } from '../../machines/conditions/condition-index.js';
import { findCycle, type PendingCondition } from '../../machines/conditions/cycles.js';
import type { ConditionAction, ResourceState } from '../../machines/lifecycle.js';
import { AttributeValueError, ConditionCycleError, ConditionError, InvalidConnectionError } from '../errors.js';
import { connectionMatches } from '../resources/connections.js';
import type { ResourceRecord } from './resource-record.js';

export interface CheckContext {
  readonly index: ConditionIndex;
  readonly record: (guid: string) => ResourceRecord;
}

/** Whether a resource runs something that finishes: only then can it reach FINISHED by itself. */
export function endsByItself(record: ResourceRecord): boolean {
  return record.runs('run') && record.resourceType.runWatches !== true;
}

/** Registered and never deployed (nor released). */
export function isUndeployed(index: ConditionIndex, guid: string): boolean {
  const entry = index.get(guid);
  return !entry.deployed && entry.rank === 0;
}

/**
 * Whether a condition needs its members deployed to ever hold: releasing (and waiting for a
 * release) works for resources never deployed.
 */
export function waitsOnDeployment(action: ConditionAction, state: ResourceState): boolean {
  return action !== 'RELEASE' && state !== 'RELEASED';
}

/** Throw the first reason why `batch` cannot be deployed as (part of) deployment group `group`. */
export function checkDeployable(checks: CheckContext, batch: readonly string[], group: string, waitAllReady: boolean): void {
  const { index } = checks;
  const recordOf = (guid: string) => checks.record(guid);
  const inBatch = new Set(batch);
  const deployed = (guid: string) => inBatch.has(guid) || index.get(guid).deployed;
  for (const guid of batch) {
    const record = recordOf(guid);
    const where = { guid, type: record.type };
    for (const [name, spec] of Object.entries(record.resourceType.attributes)) {
      if (spec.required && record.get(name) === undefined) {
        throw new AttributeValueError(guid, record.type, name, 'is required and not set');
      }
    }
    for (const match of connectionMatches(record.resourceType)) {
      const { min } = match.rule;
      if (min === undefined) continue;
      const count = record.connectedRecords().filter((other) => match.matches(other.resourceType)).length;
      if (count < min) {
        throw new InvalidConnectionError(`resource '${guid}' (${record.type}) must be connected to at least ${min} ${match.label}, has ${count}`, where);
      }
    }
    const entry = index.get(guid);
    for (const dependency of entry.dependsOn) {
      if (!deployed(dependency)) {
        throw new ConditionError(
          `resource '${guid}' (${record.type}) depends on '${dependency}' (${recordOf(dependency).type}), which is not deployed; deploy them together`,
          where,
        );
      }
    }
    for (const gate of [...Object.values(entry.gates), ...(entry.sets ?? [])]) {
      for (const w of gate.conditions) {
        if (w.kind !== 'condition') continue;
        if (waitsOnDeployment(gate.action, w.state)) {
          const missing = w.members.find((member) => !deployed(member));
          if (missing !== undefined) {
            throw new ConditionError(
              `the ${gate.action} condition of '${guid}' waits for '${missing}' to reach ${w.state}, but '${missing}' is not part of any deployment`,
              where,
            );
          }
        }
        if (w.state === 'FINISHED') {
          // only a non-critical failure would count for it, and a critical one aborts
          const never = w.members.find((member) => !endsByItself(recordOf(member)) && index.get(member).critical);
          if (never !== undefined) {
            throw new ConditionError(
              `the ${gate.action} condition of '${guid}' waits for '${never}' to reach FINISHED, but '${never}' (${recordOf(never).type}) runs until it is stopped and never finishes by itself; wait for STOPPED instead`,
              where,
            );
          }
        }
      }
    }
  }
  const barrier = waitAllReady ? [...(index.groups.get(group) ?? []), ...batch] : undefined;
  const cycle = findCycle(index, batch, {
    ...(barrier ? { newBarrier: barrier } : {}),
    endsByItself: (guid) => endsByItself(recordOf(guid)),
  });
  if (cycle) throw new ConditionCycleError(cycle, (guid) => `'${guid}'`);
}

/**
 * Throw when the condition about to be registered could never hold. Cycles are searched
 * here only when no later deploy() would find them: for a target already deployed, and for
 * RELEASE conditions (resources are released whether deployed or not). Searching at every
 * registration would cost the whole chain each time: quadratic for a long chain.
 */
export function checkCondition(checks: CheckContext, condition: PendingCondition): void {
  const { index } = checks;
  const recordOf = (guid: string) => checks.record(guid);
  const { targets, action, members, state } = condition;
  if (action === 'RELEASE' || targets.some((guid) => index.get(guid).deployed)) {
    const cycle = findCycle(index, targets, {
      pending: condition,
      endsByItself: (guid) => endsByItself(recordOf(guid)),
      ...(action === 'RELEASE' ? { roots: ['RELEASE'] as const } : {}),
    });
    if (cycle) throw new ConditionCycleError(cycle, (guid) => `'${guid}'`);
  }
  if (waitsOnDeployment(action, state)) {
    // a deployed target waits from now on: what it waits for must be deployed too
    const target = targets.find((guid) => index.get(guid).deployed);
    const missing = members.find((guid) => !index.get(guid).deployed);
    if (target !== undefined && missing !== undefined) {
      throw new ConditionError(
        `the ${action} condition of '${target}' waits for '${missing}' to reach ${state}, but '${missing}' is not part of any deployment`,
        { guid: target, type: recordOf(target).type },
      );
    }
  }
}
