/**
 * The structure of an experiment description, checked on plain values (what a YAML or JSON
 * file parses to, or a description built in memory): keys, resource types, connections,
 * attributes against their type, conditions and durations. Every problem is collected with
 * its document path; the caller turns paths into lines and columns.
 */
import { STEPS, type ConditionAction, type ResourceState } from '../../machines/lifecycle.js';
import { UnknownAttributeError, UnknownResourceError, suggest } from '../errors.js';
import { coerceAttribute, type AttributeValue } from '../resources/attributes.js';
import type { TypeRegistry } from '../resources/registry.js';
import type { ResourceType } from '../resources/resource-type.js';
import { folderNameProblem } from '../run/folder-name.js';
import { parseDuration, type Duration } from '../time/duration.js';
import type { ConditionDescription, ExperimentFileDescription, PlanHints, ResourceDescription } from './description.js';
import type { EntryPart, PathProblem, PathSegment } from './description-path.js';
import { conditionActionProblem, isPlainObject, list, show, stateProblem, timeoutProblem } from './rules.js';

export type { PathProblem };

export type { ExperimentFileDescription };
export { list, show, isPlainObject };

/**
 * The keys of each part of the format, in the order the documentation gives them. A
 * top-level `$schema` (for editors reading JSON files) is accepted too, and ignored.
 * `topologies` are expanded into resources by the files layer before this check.
 */
export const EXPERIMENT_KEYS = ['expId', 'types', 'topologies', 'resources'] as const;
export const RESOURCE_KEYS = ['type', 'connect', 'attributes', 'conditions', 'plan'] as const;
export const CONDITION_KEYS = ['action', 'attribute', 'value', 'group', 'state', 'time', 'timeout', 'onTimeout'] as const;

/**
 * `value` checked as an experiment file. Returns the description (resources in the file's
 * order, condition groups as lists, attribute values and times as written) and every
 * problem found, in document order; the description is only meaningful without problems.
 */
export function checkExperiment(value: unknown, registry: TypeRegistry): { description: ExperimentFileDescription; problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const report = (path: readonly PathSegment[], problem: string, part: EntryPart = 'value') => problems.push({ path, part, problem });

  const resources: Record<string, ResourceDescription> = {};
  const description: { expId?: string; types?: string[]; resources: Record<string, ResourceDescription> } = { resources };
  if (value === null || value === undefined) {
    report([], "the file is empty: expected a mapping with 'resources'");
    return { description, problems };
  }
  if (!isPlainObject(value)) {
    report([], `expected a mapping with 'expId' and 'resources', got ${show(value)}`);
    return { description, problems };
  }
  checkKeys(value, [], EXPERIMENT_KEYS, report, ['$schema']);
  if (Object.hasOwn(value, '$schema') && typeof value['$schema'] !== 'string') {
    report(['$schema'], `expected the URL or path of a JSON Schema, got ${show(value['$schema'])}`);
  }
  if (Object.hasOwn(value, 'expId')) {
    const expId = value['expId'];
    if (typeof expId !== 'string' || expId.trim() === '') {
      report(['expId'], `expected the experiment's name (a string), got ${show(expId)}`);
    } else if (/[/\\]/.test(expId) || expId === '.' || expId === '..') {
      report(['expId'], `'${expId}' cannot name a folder: the run directory is <localDir>/<expId>/<runId>`);
    } else if (folderNameProblem(expId) !== undefined) {
      report(['expId'], `${folderNameProblem(expId)}; the run directory is <localDir>/<expId>/<runId>`);
    } else {
      description.expId = expId;
    }
  }
  if (Object.hasOwn(value, 'types')) {
    const types = checkTypeModules(value['types'], report);
    if (types) description.types = types;
  }
  if (Object.hasOwn(value, 'topologies')) {
    report(['topologies'], 'topologies are expanded into resources when a file is parsed (parseExperiment, buildExperiment): this description was not', 'key');
  }
  if (!Object.hasOwn(value, 'resources')) {
    report([], "missing 'resources'", 'entry');
    return { description, problems };
  }
  const given = value['resources'];
  if (!isPlainObject(given)) {
    report(['resources'], `expected a mapping of resource names to resources, got ${show(given)}`);
    return { description, problems };
  }
  const names = Object.keys(given);
  for (const name of names) {
    if (name === '') report(['resources', name], 'a resource name must not be empty', 'key');
    else if (folderNameProblem(name) !== undefined) {
      report(['resources', name], `${folderNameProblem(name)}: a resource's traces go to <runDir>/<name>/`, 'key');
    }
    const resource = checkResource(given[name], ['resources', name], names, registry, report);
    if (resource) resources[name] = resource;
  }
  return { description, problems };
}

type Report = (path: readonly PathSegment[], problem: string, part?: EntryPart) => void;

/** `types`: a list of the paths of types modules (loaded by the files layer before this check, see type-modules.ts). */
function checkTypeModules(value: unknown, report: Report): string[] | undefined {
  if (!Array.isArray(value)) {
    report(['types'], `expected a list of types modules (paths of JavaScript files, e.g. [./my-types.js]), got ${show(value)}`);
    return undefined;
  }
  const modules: string[] = [];
  value.forEach((module: unknown, i) => {
    if (typeof module !== 'string' || module.trim() === '') {
      report(['types', i], `expected the path of a types module (a JavaScript file), got ${show(module)}`);
    } else modules.push(module);
  });
  return modules;
}

function checkResource(
  value: unknown,
  path: readonly PathSegment[],
  names: readonly string[],
  registry: TypeRegistry,
  report: Report,
): ResourceDescription | undefined {
  if (!isPlainObject(value)) {
    report(path, `expected a mapping with 'type', got ${show(value)}`);
    return undefined;
  }
  checkKeys(value, path, RESOURCE_KEYS, report);
  const description: { -readonly [K in keyof ResourceDescription]: ResourceDescription[K] } = { type: '' };

  let resourceType: ResourceType | undefined;
  if (!Object.hasOwn(value, 'type')) {
    report(path, "missing 'type'", 'entry');
  } else if (typeof value['type'] !== 'string') {
    report([...path, 'type'], `expected a resource type name such as 'backend::Name', got ${show(value['type'])}`);
  } else {
    description.type = value['type'];
    try {
      resourceType = registry.get(value['type']);
    } catch (error) {
      report([...path, 'type'], (error as Error).message);
    }
  }

  if (Object.hasOwn(value, 'connect')) {
    const connect = value['connect'];
    if (!Array.isArray(connect)) {
      report([...path, 'connect'], `expected a list of resource names, got ${show(connect)}`);
    } else {
      const list: string[] = [];
      connect.forEach((other: unknown, i) => {
        if (checkName(other, [...path, 'connect', i], names, report)) list.push(other);
      });
      description.connect = list;
    }
  }

  if (Object.hasOwn(value, 'attributes')) {
    const attributes = value['attributes'];
    if (!isPlainObject(attributes)) {
      report([...path, 'attributes'], `expected a mapping of attribute names to values, got ${show(attributes)}`);
    } else {
      if (resourceType) checkAttributes(attributes, [...path, 'attributes'], resourceType, report);
      description.attributes = attributes as Record<string, AttributeValue>;
    }
  }

  if (Object.hasOwn(value, 'conditions')) {
    const conditions = value['conditions'];
    if (!Array.isArray(conditions)) {
      report([...path, 'conditions'], `expected a list of conditions, got ${show(conditions)}`);
    } else {
      const list: ConditionDescription[] = [];
      conditions.forEach((condition: unknown, i) => {
        const checked = checkCondition(condition, [...path, 'conditions', i], names, report);
        if (checked) list.push(checked);
      });
      description.conditions = list;
    }
  }

  if (Object.hasOwn(value, 'plan')) {
    const plan = checkPlanHints(value['plan'], [...path, 'plan'], report);
    if (plan) description.plan = plan;
  }
  return description;
}

/** `plan:` hints: step names to durations (see docs/plan.md). */
function checkPlanHints(value: unknown, path: readonly PathSegment[], report: Report): PlanHints | undefined {
  if (!isPlainObject(value)) {
    report(path, `expected a mapping of step names (${list(STEPS, 'or')}) to durations, got ${show(value)}`);
    return undefined;
  }
  checkKeys(value, path, STEPS, report);
  for (const [step, time] of Object.entries(value)) {
    if (!(STEPS as readonly string[]).includes(step)) continue;
    try {
      parseDuration(time);
    } catch (error) {
      report([...path, step], (error as Error).message);
    }
  }
  return value;
}

function checkAttributes(attributes: Record<string, unknown>, path: readonly PathSegment[], type: ResourceType, report: Report): void {
  const known = Object.keys(type.attributes);
  for (const [name, value] of Object.entries(attributes)) {
    const spec = Object.hasOwn(type.attributes, name) ? type.attributes[name] : undefined;
    if (!spec) {
      report([...path, name], new UnknownAttributeError(undefined, type.type, name, known).message, 'key');
      continue;
    }
    if (spec.readOnly) {
      report([...path, name], `attribute '${name}' is read-only: only its type gives it a value`);
      continue;
    }
    try {
      coerceAttribute(spec, value, { type: type.type, attribute: name });
    } catch (error) {
      // "type 'dummy::Node': attribute 'x' expects ..." — the path already says which resource
      const message = (error as Error).message;
      const where = `type '${type.type}': `;
      report([...path, name], message.startsWith(where) ? message.slice(where.length) : message);
    }
  }
}

function checkCondition(value: unknown, path: readonly PathSegment[], names: readonly string[], report: Report): ConditionDescription | undefined {
  if (!isPlainObject(value)) {
    report(path, `expected a mapping with 'action', 'group' and 'state', got ${show(value)}`);
    return undefined;
  }
  checkKeys(value, path, CONDITION_KEYS, report);
  let ok = checkRequired(value, path, ['action', 'group', 'state'], report);

  const action = value['action'];
  const badAction = Object.hasOwn(value, 'action') ? conditionActionProblem(action) : undefined;
  if (badAction !== undefined) {
    ok = false;
    report([...path, 'action'], badAction);
  }
  // SET names its attribute and value; the other actions take neither
  if (action === 'SET') {
    ok = checkRequired(value, path, ['attribute', 'value'], report) && ok;
    if (Object.hasOwn(value, 'attribute') && (typeof value['attribute'] !== 'string' || value['attribute'] === '')) {
      ok = false;
      report([...path, 'attribute'], `expected the name of an attribute, got ${show(value['attribute'])}`);
    }
  } else if (badAction === undefined) {
    for (const key of ['attribute', 'value'] as const) {
      if (!Object.hasOwn(value, key)) continue;
      ok = false;
      report([...path, key], `'${key}' is only for a SET condition, not ${String(action)}`);
    }
  }
  const state = value['state'];
  const badState = Object.hasOwn(value, 'state') ? stateProblem(state) : undefined;
  if (badState !== undefined) {
    ok = false;
    report([...path, 'state'], badState);
  }
  const group: string[] = [];
  if (Object.hasOwn(value, 'group')) {
    const given = value['group'];
    if (typeof given === 'string') {
      if (checkName(given, [...path, 'group'], names, report)) group.push(given);
      else ok = false;
    } else if (Array.isArray(given)) {
      if (given.length === 0) {
        ok = false;
        report([...path, 'group'], 'expected at least one resource name to wait for');
      }
      given.forEach((member: unknown, i) => {
        if (checkName(member, [...path, 'group', i], names, report)) group.push(member);
        else ok = false;
      });
    } else {
      ok = false;
      report([...path, 'group'], `expected a resource name or a list of them, got ${show(given)}`);
    }
  }
  const time = value['time'];
  if (Object.hasOwn(value, 'time')) {
    try {
      parseDuration(time);
    } catch (error) {
      ok = false;
      report([...path, 'time'], (error as Error).message);
    }
  }
  const timeout = value['timeout'];
  let timeoutMs = 0;
  let timeoutOk = true;
  if (Object.hasOwn(value, 'timeout')) {
    try {
      timeoutMs = parseDuration(timeout);
    } catch (error) {
      ok = timeoutOk = false;
      report([...path, 'timeout'], (error as Error).message);
    }
  }
  const onTimeout = value['onTimeout'];
  // the rule as registerCondition applies it; a bad timeout is reported once, above
  const badTimeout = timeoutOk && badAction === undefined ? timeoutProblem(action, timeoutMs, onTimeout) : undefined;
  if (badTimeout) {
    ok = false;
    report([...path, badTimeout.key], badTimeout.problem);
  }
  if (!ok) return undefined;
  const condition: { -readonly [K in keyof ConditionDescription]: ConditionDescription[K] } = {
    action: action as ConditionAction,
    ...(action === 'SET' ? { attribute: value['attribute'] as string, value: value['value'] as AttributeValue } : {}),
    group,
    state: state as ResourceState,
  };
  if (Object.hasOwn(value, 'time')) condition.time = time as Duration;
  if (Object.hasOwn(value, 'timeout')) condition.timeout = timeout as Duration;
  if (Object.hasOwn(value, 'onTimeout')) condition.onTimeout = onTimeout as 'fail' | 'skip';
  return condition;
}

/** The names of a file's resources as a set: a file may name thousands (linear look-ups). */
const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Whether `value` names a resource of the file; reports it if not. */
function checkName(value: unknown, path: readonly PathSegment[], names: readonly string[], report: Report): value is string {
  if (typeof value !== 'string') {
    report(path, `expected a resource name, got ${show(value)}`);
    return false;
  }
  let set = nameSets.get(names);
  if (!set) nameSets.set(names, (set = new Set(names)));
  if (!set.has(value)) {
    report(path, new UnknownResourceError(value, names).message);
    return false;
  }
  return true;
}

/** Report the keys of `required` that `value` lacks, at the entry; whether it has them all. */
export function checkRequired(value: Record<string, unknown>, path: readonly PathSegment[], required: readonly string[], report: Report): boolean {
  const missing = required.filter((key) => !Object.hasOwn(value, key));
  if (missing.length > 0)
    report(
      path,
      `missing ${list(
        missing.map((key) => `'${key}'`),
        'and',
      )}`,
      'entry',
    );
  return missing.length === 0;
}

/** Report every key of `value` that is not `allowed` (nor `ignored`), with a suggestion. */
export function checkKeys(
  value: Record<string, unknown>,
  path: readonly PathSegment[],
  allowed: readonly string[],
  report: Report,
  ignored: readonly string[] = [],
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key) || ignored.includes(key)) continue;
    const hint = suggest(key, allowed);
    report([...path, key], `unknown key '${key}'${hint || `: expected ${list(allowed, 'or')}`}`, 'key');
  }
}
