/**
 * An experiment description into an experiment: its resources, connections and conditions
 * registered in file order, then the whole validated, so that cycles and missing
 * connections are reported before anything runs, at the place of the description they come
 * from (a `DescriptionError`).
 */
import type { ResourceAction, ResourceState } from '../../machines/lifecycle.js';
import { ConditionCycleError, NepiError } from '../errors.js';
import type { Duration } from '../time/duration.js';
import type { ExperimentFileDescription } from './description.js';
import { DescriptionError, type EntryPart, type PathSegment } from './description-path.js';
import type { ConditionOptions } from './rules.js';

/** What registering a description needs of an experiment controller. */
export interface Registrar {
  registerResource(type: string, attributes: Readonly<Record<string, unknown>>, options: { name: string }): string;
  registerConnection(a: string, b: string): void;
  registerCondition(guids: string, action: ResourceAction, group: readonly string[], state: ResourceState, time?: Duration, options?: ConditionOptions): void;
  setWithConditions(
    guids: string,
    name: string,
    value: unknown,
    group: readonly string[],
    state: ResourceState,
    time?: Duration,
    options?: ConditionOptions,
  ): void;
  validate(): void;
}

/**
 * Register `description` (checked already, see check-description.ts) on `target` and
 * validate it. A NepiError becomes a DescriptionError placed where the description is wrong;
 * anything else is a bug and goes through as it is.
 */
export function registerDescription(target: Registrar, description: ExperimentFileDescription): void {
  let at: { path: PathSegment[]; part: EntryPart } = { path: [], part: 'value' };
  try {
    const resources = Object.entries(description.resources);
    for (const [name, resource] of resources) {
      at = { path: ['resources', name], part: 'entry' };
      target.registerResource(resource.type, resource.attributes ?? {}, { name });
    }
    for (const [name, resource] of resources) {
      resource.connect?.forEach((other, i) => {
        at = { path: ['resources', name, 'connect', i], part: 'value' };
        target.registerConnection(name, other);
      });
    }
    for (const [name, resource] of resources) {
      resource.conditions?.forEach((condition, i) => {
        at = { path: ['resources', name, 'conditions', i], part: 'value' };
        const options = {
          ...(condition.timeout !== undefined ? { timeout: condition.timeout } : {}),
          ...(condition.onTimeout !== undefined ? { onTimeout: condition.onTimeout } : {}),
        };
        if (condition.action === 'SET')
          target.setWithConditions(name, condition.attribute!, condition.value, condition.group, condition.state, condition.time, options);
        else target.registerCondition(name, condition.action, condition.group, condition.state, condition.time, options);
      });
    }
    at = { path: [], part: 'value' };
    target.validate();
  } catch (error) {
    if (!(error instanceof NepiError)) throw error;
    // a cycle is found when its last condition is registered, or at validate(): either way
    // it is reported at its condition written first in the file
    if (at.path.length === 0 || error instanceof ConditionCycleError) at = blame(error, description) ?? at;
    // the resource the error is placed at, else the one the controller named
    const blamed = at.path[0] === 'resources' && typeof at.path[1] === 'string' ? at.path[1] : error.guid;
    const type = blamed === undefined ? error.type : (description.resources[blamed]?.type ?? error.type);
    throw new DescriptionError(at.path, at.part, error, { ...(blamed === undefined ? {} : { guid: blamed }), ...(type === undefined ? {} : { type }) });
  }
}

/**
 * Where a validation error belongs: a cycle at its condition written first in the file (or
 * at its first resource when it goes through no condition), anything else at the resource
 * it names.
 */
function blame(error: NepiError, description: ExperimentFileDescription): { path: PathSegment[]; part: EntryPart } | undefined {
  if (error instanceof ConditionCycleError) {
    const names = Object.keys(description.resources);
    let first: { resource: number; index: number; guid: string } | undefined;
    for (const link of error.cycle) {
      if (link.why !== 'condition') continue;
      const index = (description.resources[link.guid]?.conditions ?? []).findIndex(
        (c) => c.action === link.action && c.state === link.state && c.group.includes(link.waitsFor),
      );
      const resource = names.indexOf(link.guid);
      if (index < 0 || resource < 0) continue;
      if (!first || resource < first.resource || (resource === first.resource && index < first.index)) {
        first = { resource, index, guid: link.guid };
      }
    }
    if (first) return { path: ['resources', first.guid, 'conditions', first.index], part: 'value' };
  }
  if (error.guid !== undefined && Object.hasOwn(description.resources, error.guid)) {
    return { path: ['resources', error.guid], part: 'entry' };
  }
  return undefined;
}
