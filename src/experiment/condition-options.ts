/**
 * The options of a condition beyond its group, state and delay: a `timeout` after which it
 * gives up, and what it does then (`onTimeout`). See docs/conditions.md#condition-timeouts.
 */
import type { OnTimeout } from '../../machines/conditions/condition-index.js';
import type { ResourceAction } from '../../machines/lifecycle.js';
import { ConditionError } from '../errors.js';
import { parseDuration, type Duration } from '../time/duration.js';

export type { OnTimeout };

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

/** The timeout in ms (0: none) and what happens then; throws a TypeError or ConditionError. */
export function checkConditionOptions(action: ResourceAction, options: ConditionOptions): { timeout: number; onTimeout: OnTimeout } {
  const timeout = options.timeout === undefined ? 0 : parseDuration(options.timeout);
  const onTimeout = options.onTimeout ?? 'fail';
  if (!(ON_TIMEOUT as readonly unknown[]).includes(onTimeout)) {
    throw new ConditionError(`unknown onTimeout '${String(onTimeout)}': expected 'fail' or 'skip'`);
  }
  if (options.onTimeout !== undefined && timeout === 0) {
    throw new ConditionError(`onTimeout '${onTimeout}' needs a timeout`);
  }
  if (action === 'RELEASE' && timeout > 0 && onTimeout === 'fail') {
    throw new ConditionError("a RELEASE condition cannot fail its resource when it times out: give it onTimeout 'skip'");
  }
  return { timeout, onTimeout };
}
