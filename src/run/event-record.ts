/**
 * The lines of `events.ndjson`: a state change (no `kind`; also printed by `--json`) or a
 * condition record (`kind: 'condition'`).
 */
import type { ConditionEvent, ConditionEventKind, Interruption } from '../../machines/controller.js';
import type { ConditionAction, ResourceState } from '../../machines/lifecycle.js';
import type { ResourceChangedEvent, ResourceStateEvent } from '../../machines/resource.js';
import { describeCause } from '../errors.js';
import type { TryReport } from '../resources/step-runner.js';

/** A state change, as a line of `events.ndjson` holds it. */
export interface EventRecord {
  /** Wall-clock time, ISO 8601. */
  readonly wall: string;
  /** The experiment clock's time in ms (epoch ms on the real clock). */
  readonly time: number;
  readonly guid: string;
  readonly name: string;
  readonly type: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly step?: string;
  readonly error?: string;
}

export function toEventRecord(event: ResourceStateEvent, type: string | undefined): EventRecord {
  return {
    wall: new Date().toISOString(),
    time: event.time,
    guid: event.guid,
    name: event.guid,
    type,
    from: event.from,
    to: event.to,
    ...(event.step !== undefined ? { step: event.step } : {}),
    ...(event.error !== undefined ? { error: describeCause(event.error) } : {}),
  };
}

/**
 * A condition record: "`action` of `guid` after all of `group` reached `state`, + `delay` ms"
 * started to hold (`held`, with the `deadline` at which its delay ends) or released its
 * action (`fired`). See docs/traces.md.
 */
export interface ConditionRecord {
  readonly kind: 'condition';
  readonly wall: string;
  readonly time: number;
  readonly guid: string;
  readonly action: ConditionAction;
  /** SET: the attribute and the value it takes. */
  readonly attribute?: string;
  readonly value?: unknown;
  readonly group: readonly string[];
  readonly state: ResourceState;
  readonly delay: number;
  readonly event: ConditionEventKind;
  readonly deadline: number;
  /** `timeout` and `skipped`: the condition's timeout in ms. */
  readonly timeout?: number;
}

/** A change record (`kind: 'change'`): runtime attribute `attribute` of `guid` took `value` (its `set` step applied it). */
export interface ChangeRecord {
  readonly kind: 'change';
  readonly wall: string;
  readonly time: number;
  readonly guid: string;
  readonly attribute: string;
  readonly value: unknown;
  readonly previous: unknown;
}

/** Any line of `events.ndjson`. */
export type RunRecord = EventRecord | ConditionRecord | TryRecord | ChangeRecord;

export function toChangeRecord(event: ResourceChangedEvent): ChangeRecord {
  return {
    kind: 'change',
    wall: new Date().toISOString(),
    time: event.time,
    guid: event.guid,
    attribute: event.name,
    value: event.value,
    previous: event.previous,
  };
}

export function toConditionRecord(event: ConditionEvent): ConditionRecord {
  return {
    kind: 'condition',
    wall: new Date().toISOString(),
    time: event.time,
    guid: event.guid,
    action: event.action,
    ...(event.attribute !== undefined ? { attribute: event.attribute, value: event.value } : {}),
    group: event.group,
    state: event.state,
    delay: event.delay,
    event: event.event,
    deadline: event.deadline,
    ...(event.timeout !== undefined ? { timeout: event.timeout } : {}),
  };
}

/**
 * A try record (`kind: 'try'`): one try of a step that failed (`failed`, or `timeout` when
 * its timeout expired), or that succeeded after failed tries (`ok`). `nextDelay` (ms) is set
 * when another try follows. See docs/reliability.md.
 */
export interface TryRecord {
  readonly kind: 'try';
  readonly wall: string;
  readonly time: number;
  readonly guid: string;
  readonly type: string | undefined;
  readonly step: string;
  readonly attempt: number;
  readonly attempts: number;
  readonly outcome: 'ok' | 'failed' | 'timeout';
  readonly error?: string;
  readonly nextDelay?: number;
}

export function toTryRecord(report: TryReport, type: string | undefined): TryRecord {
  return {
    kind: 'try',
    wall: new Date().toISOString(),
    time: report.time,
    guid: report.guid,
    type,
    step: report.step,
    attempt: report.attempt,
    attempts: report.attempts,
    outcome: report.outcome,
    ...(report.error !== undefined ? { error: describeCause(report.error) } : {}),
    ...(report.nextDelay !== undefined ? { nextDelay: report.nextDelay } : {}),
  };
}

/** An interrupt record (`kind: 'interrupt'`): the run was stopped early (see `Interruption`). */
export interface InterruptRecord extends Interruption {
  readonly kind: 'interrupt';
  readonly wall: string;
}

export function toInterruptRecord(interruption: Interruption): InterruptRecord {
  return { kind: 'interrupt', wall: new Date().toISOString(), ...interruption };
}
