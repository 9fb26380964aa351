/**
 * The errors nepi throws. Each class says when it is thrown and carries its context as
 * readonly fields; the message names the resource, type and attribute concerned.
 */
import type { Failure } from '../machines/controller.js';
import type { CycleLink } from '../machines/conditions/cycles.js';

export interface ErrorContext {
  readonly guid?: string;
  readonly type?: string;
  readonly attribute?: string;
}

/** The base class of every error nepi throws on purpose. */
export class NepiError extends Error {
  readonly guid: string | undefined;
  readonly type: string | undefined;
  readonly attribute: string | undefined;

  /** `context` names the resource, type and attribute concerned, when there are some; `cause` is kept as the error's `cause`. */
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.guid = context.guid;
    this.type = context.type;
    this.attribute = context.attribute;
  }
}

/** A guid that no resource of this experiment has. */
export class UnknownResourceError extends NepiError {
  /** `known`: the guids there are, to suggest the nearest. */
  constructor(guid: unknown, known: Iterable<string> = []) {
    const name = typeof guid === 'string' ? guid : undefined;
    super(
      name === undefined
        ? `unknown resource ${describeValue(guid)}: a resource is named by its guid, a string`
        : `unknown resource '${name}'${suggest(name, known)}`,
      name === undefined ? {} : { guid: name },
    );
  }
}

/** A value of the wrong kind, as a message shows it: `12345 (a number)`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${String(value)} (a ${typeof value})`;
}

/** A resource type name that is not registered. */
export class UnknownTypeError extends NepiError {
  /** `known`: the registered type names, to suggest the nearest. */
  constructor(type: string, known: Iterable<string> = []) {
    super(`unknown resource type '${type}'${suggest(type, known)}`, { type });
  }
}

/** An attribute that the resource's type does not declare. */
export class UnknownAttributeError extends NepiError {
  /** `known`: the attributes the type declares, to suggest the nearest. */
  constructor(guid: string | undefined, type: string, attribute: string, known: Iterable<string> = []) {
    super(`${where(guid, type)} has no attribute '${attribute}'${suggest(attribute, known)}`, { guid, type, attribute });
  }
}

/** A value of the wrong type, out of range or not among the allowed values. */
export class AttributeValueError extends NepiError {
  /** `problem` says what is wrong with the value. */
  constructor(guid: string | undefined, type: string, attribute: string, problem: string) {
    super(`${where(guid, type)}: attribute '${attribute}' ${problem}`, { guid, type, attribute });
  }
}

/** A connection that one of the two types refuses, or too many or too few connections. */
export class InvalidConnectionError extends NepiError {}

/** A condition that can never hold: a cycle, or a member that is never deployed. */
export class ConditionError extends NepiError {}

/** Conditions and implicit dependencies that wait on each other in a circle. */
export class ConditionCycleError extends ConditionError {
  readonly cycle: readonly CycleLink[];

  /** `describe` names a resource in the message (e.g. its guid and type). */
  constructor(cycle: readonly CycleLink[], describe: (guid: string) => string) {
    const steps = cycle.map((link) => `${describe(link.guid)} ${link.action} waits for ${describe(link.waitsFor)} ${link.state} (${link.why})`);
    super(`conditions form a cycle and can never hold: ${steps.join(' -> ')}`, { guid: cycle[0]?.guid });
    this.cycle = cycle;
  }
}

/** An action asked of a resource in a state or an experiment status that cannot take it. */
export class InvalidActionError extends NepiError {}

/** A step of a resource took longer than its timeout attribute allows (`deployTimeout`, ...). */
export class StepTimeoutError extends NepiError {
  readonly step: string;
  /** The timeout that expired, in ms. */
  readonly timeout: number;

  /** `timeout` in ms; `shown` is how the message writes it (e.g. `30s`). */
  constructor(guid: string, step: string, attribute: string, timeout: number, shown: string) {
    super(`step '${step}' of '${guid}' timed out: its ${attribute} of ${shown} expired`, { guid, attribute });
    this.step = step;
    this.timeout = timeout;
  }
}

/**
 * `run()` can make no more progress (src/experiment/stall.ts): what it still waits for is
 * failed with this error, naming the conditions that can no longer hold.
 */
export class RunStalledError extends NepiError {}

/** A critical resource failed: the experiment was aborted and released. */
export class ExperimentAbortedError extends NepiError {
  readonly failures: readonly Failure[];

  /** The critical failures that aborted the experiment. */
  constructor(failures: readonly Failure[]) {
    const lines = failures.map((f) => `${f.guid} (${f.type}) failed at ${f.step ?? 'run'}: ${describeCause(f.error)}`);
    super(`experiment aborted: ${lines.join('; ') || 'no failure recorded'}`);
    this.failures = failures;
  }
}

export function describeCause(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function where(guid: string | undefined, type: string): string {
  return guid === undefined ? `type '${type}'` : `resource '${guid}' (${type})`;
}

/** " - did you mean 'x'?" for the nearest known name, or nothing. */
export function suggest(name: string, known: Iterable<string>): string {
  const nearest = nearestName(name, known);
  return nearest === undefined ? '' : ` - did you mean '${nearest}'?`;
}

export function nearestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
