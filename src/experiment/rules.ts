/**
 * The rules a condition obeys, written once: the experiment file's checks
 * (check-description.ts) and the controller's `registerCondition` both call these, so a
 * bad action, state or timeout reads the same wherever it was written.
 */
import type { OnTimeout } from '../../machines/conditions/condition-index.js';
import { ACTIONS, STATE_ORDER, isResourceAction, isResourceState, type ConditionAction } from '../../machines/lifecycle.js';
import type { ResourceType } from '../resources/resource-type.js';
import { ConditionError, nearestName } from '../errors.js';
import { parseDuration, type Duration } from '../time/duration.js';

export type { OnTimeout };

/** Why `value` is not an action (DEPLOY, START, STOP, RELEASE), or undefined when it is one. */
export function actionProblem(value: unknown): string | undefined {
  return isResourceAction(value) ? undefined : unknownWord('action', value, ACTIONS);
}

/** The actions a condition may hold back: the four actions and SET. */
export const CONDITION_ACTIONS: readonly ConditionAction[] = [...ACTIONS, 'SET'];

/** Why `value` is not an action a condition holds back (the four actions, or SET), or undefined when it is one. */
export function conditionActionProblem(value: unknown): string | undefined {
  return value === 'SET' ? undefined : isResourceAction(value) ? undefined : unknownWord('action', value, CONDITION_ACTIONS);
}

/**
 * Why attribute `name` of `record` cannot change at run time (through `ec.set` on a deployed
 * resource, or a SET condition), or undefined when it can: it must be declared `runtime`,
 * and the type must have a `set` step to apply it.
 */
export function runtimeProblem(record: { readonly guid: string; readonly resourceType: ResourceType }, name: string): string | undefined {
  const spec = record.resourceType.attributes[name];
  const what = `attribute '${name}' of '${record.guid}' (${record.resourceType.type})`;
  if (!spec?.runtime) return `${what} cannot change at run time: it is not a runtime attribute${runtimeNames(record.resourceType)}`;
  if (!record.resourceType.steps.set) return `${what} cannot change at run time: the type has no set step`;
  return undefined;
}

function runtimeNames(type: ResourceType): string {
  const names = Object.entries(type.attributes)
    .filter(([, spec]) => spec.runtime)
    .map(([name]) => name);
  return names.length === 0 ? ` (${type.type} has none)` : ` (those of ${type.type}: ${names.join(', ')})`;
}

/** Why `value` is not a lifecycle state, or undefined when it is one. */
export function stateProblem(value: unknown): string | undefined {
  return isResourceState(value) ? undefined : unknownWord('state', value, STATE_ORDER);
}

/**
 * The options of a condition beyond its group, state and delay: a `timeout` after which it
 * gives up, and what it does then (`onTimeout`). See docs/conditions.md#condition-timeouts.
 */
export interface ConditionOptions {
  /**
   * How long the action may wait for the group to reach the state; unset or 0: forever. Its
   * clock starts once the action is requested and the resource itself is ready for it.
   */
  readonly timeout?: Duration;
  /** `fail` (the default): the waiting resource fails. `skip`: the condition is dropped. */
  readonly onTimeout?: OnTimeout;
}

export const ON_TIMEOUT: readonly OnTimeout[] = ['fail', 'skip'];

/**
 * What is wrong with a condition's timeout options, and which of them it is: `timeout` is
 * the timeout in ms (0: none); `onTimeout` as given (undefined: not given).
 */
export function timeoutProblem(action: unknown, timeout: number, onTimeout: unknown): { key: 'timeout' | 'onTimeout'; problem: string } | undefined {
  if (onTimeout !== undefined && !(ON_TIMEOUT as readonly unknown[]).includes(onTimeout)) {
    return { key: 'onTimeout', problem: `onTimeout must be 'fail' or 'skip', got ${show(onTimeout)}` };
  }
  if (onTimeout !== undefined && timeout === 0) {
    return { key: 'onTimeout', problem: `onTimeout '${String(onTimeout)}' needs a timeout` };
  }
  if (action === 'RELEASE' && timeout > 0 && onTimeout !== 'skip') {
    return { key: 'timeout', problem: "a RELEASE condition cannot fail its resource when it times out: give it onTimeout 'skip'" };
  }
  return undefined;
}

/** The timeout in ms (0: none) and what happens then; throws a TypeError (a bad duration) or a ConditionError. */
export function checkConditionOptions(action: ConditionAction, options: ConditionOptions): { timeout: number; onTimeout: OnTimeout } {
  const timeout = options.timeout === undefined ? 0 : parseDuration(options.timeout);
  const problem = timeoutProblem(action, timeout, options.onTimeout);
  if (problem) throw new ConditionError(problem.problem);
  return { timeout, onTimeout: options.onTimeout ?? 'fail' };
}

function unknownWord(what: string, value: unknown, known: readonly string[]): string {
  if (typeof value !== 'string') return `expected ${what === 'action' ? 'an' : 'a'} ${what} (${list(known, 'or')}), got ${show(value)}`;
  const nearest = nearestName(value, known);
  if (nearest !== undefined) return `unknown ${what} '${value}' - did you mean '${nearest}'?`;
  return `unknown ${what} '${value}': expected ${list(known, 'or')}`;
}

/** "a, b or c" */
export function list(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** How a value is shown in a message: strings quoted, collections by kind. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'object') return isPlainObject(value) ? 'a mapping' : `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  return String(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
