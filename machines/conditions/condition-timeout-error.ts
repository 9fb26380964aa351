/** The error a resource fails with when a condition on one of its actions timed out (`onTimeout: fail`). */
import type { ConditionAction, ResourceState } from '../lifecycle.js';

/** A condition on `guid`'s `action` timed out: `waitingFor` had not reached `state` within `timeout` ms. */
export class ConditionTimeoutError extends Error {
  /** `timeout` in ms; `waitingFor` the members that had not reached `state`. */
  constructor(
    readonly guid: string,
    readonly action: ConditionAction,
    /** The members of the condition's group that had not reached `state`. */
    readonly waitingFor: readonly string[],
    readonly state: ResourceState,
    /** Milliseconds. */
    readonly timeout: number,
  ) {
    super(`its ${action} condition timed out after ${timeout} ms: ${waitingFor.map((guid) => `'${guid}'`).join(', ')} had not reached ${state}`);
    this.name = 'ConditionTimeoutError';
  }
}
