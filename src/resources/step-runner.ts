/**
 * Timeouts and retries of one step, on the experiment's clock.
 *
 * - `deployTimeout` limits each try of discover, provision and deploy; `startTimeout` the
 *   start step; `stopTimeout` the stop step. A try that takes longer is aborted through its
 *   AbortSignal and counts as a failure of that step, with a {@link StepTimeoutError}. A step
 *   that ignores its signal is left behind: its result no longer counts.
 * - `retries` tries a failed discover, provision or deploy again, after `retryDelay`, the
 *   delay doubling before each further try.
 * - Each try that failed, and a try that succeeded after failures, is reported (`TryReport`).
 *
 * A step cancelled from outside (a release while it runs) is neither retried nor reported.
 */
import type { Clock } from '../../machines/clock.js';
import type { StepName, TryReport } from '../../machines/lifecycle.js';

export type { TryReport } from '../../machines/lifecycle.js';
import { NepiError, StepTimeoutError, describeCause } from '../errors.js';
import { formatDuration } from '../time/duration.js';
import { sleep } from '../time/sleep.js';
import type { AttributeSpec } from './attributes.js';

/** The timeout attribute of each step that has one. */
export const TIMEOUT_ATTRIBUTE: Readonly<Partial<Record<StepName, 'deployTimeout' | 'startTimeout' | 'stopTimeout'>>> = {
  discover: 'deployTimeout',
  provision: 'deployTimeout',
  deploy: 'deployTimeout',
  start: 'startTimeout',
  stop: 'stopTimeout',
};

/** The steps `retries` applies to. */
export const RETRIED_STEPS: readonly StepName[] = ['discover', 'provision', 'deploy'];

/** Before the first retry when `retryDelay` is unset. */
export const DEFAULT_RETRY_DELAY = 1000;

/** The attributes every resource type has, besides `critical` (docs/reliability.md). */
export const RELIABILITY_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  deployTimeout: {
    type: 'duration',
    help: 'The longest each try of the discover, provision and deploy steps may take; a try that takes longer is aborted and fails. Unset or 0: no limit.',
  },
  startTimeout: {
    type: 'duration',
    help: 'The longest the start step may take; a start that takes longer is aborted and fails. Unset or 0: no limit.',
  },
  stopTimeout: {
    type: 'duration',
    help: 'The longest the stop step may take; a stop that takes longer is aborted and fails. Unset or 0: no limit.',
  },
  retries: {
    type: 'integer',
    range: [0, 100],
    help: 'How many times a failed discover, provision or deploy step is tried again before the resource fails. Unset: 0.',
  },
  retryDelay: {
    type: 'duration',
    help: 'How long to wait before the first retry; the wait doubles before each further retry. Unset: 1s.',
  },
};

/** What the runner needs of a resource to run one of its steps. */
export interface StepRun<C> {
  readonly guid: string;
  readonly step: StepName;
  readonly clock: Clock;
  /** The attribute values that set timeouts and retries. */
  get(name: string): unknown;
  /** Build the context of one try, whose work stops when `signal` aborts. */
  context(signal: AbortSignal): C;
  /** Whether the type applies this step's timeout itself (the runner then does not). */
  readonly ownTimeout: boolean;
  readonly report?: (report: TryReport) => void;
}

/** Run `fn` with the timeout and retries its resource's attributes ask for. */
export async function runStep<C>(fn: (context: C) => unknown, run: StepRun<C>, signal: AbortSignal): Promise<void> {
  const attribute = TIMEOUT_ATTRIBUTE[run.step];
  const timeout = attribute === undefined || run.ownTimeout ? 0 : ((run.get(attribute) as number | undefined) ?? 0);
  const retries = RETRIED_STEPS.includes(run.step) ? ((run.get('retries') as number | undefined) ?? 0) : 0;
  if (timeout <= 0 && retries === 0) {
    // the common case: no timer, no loop
    try {
      await fn(run.context(signal));
    } catch (error) {
      if (!signal.aborted) report(run, { attempt: 1, attempts: 1, outcome: 'failed', error });
      throw error;
    }
    return;
  }
  const attempts = retries + 1;
  let delay = (run.get('retryDelay') as number | undefined) ?? DEFAULT_RETRY_DELAY;
  for (let attempt = 1; ; attempt++) {
    try {
      await tryOnce(fn, run, signal, timeout, attribute);
      if (attempt > 1) report(run, { attempt, attempts, outcome: 'ok' });
      return;
    } catch (error) {
      if (signal.aborted) throw error;
      const outcome = error instanceof StepTimeoutError ? 'timeout' : 'failed';
      if (attempt >= attempts) {
        report(run, { attempt, attempts, outcome, error });
        throw attempts === 1
          ? error
          : new NepiError(`step '${run.step}' failed ${attempts} times; the last try: ${describeCause(error)}`, { guid: run.guid }, { cause: error });
      }
      report(run, { attempt, attempts, outcome, error, nextDelay: delay });
      await sleep(run.clock, delay, signal);
      delay *= 2;
    }
  }
}

function report(run: StepRun<unknown>, fields: Omit<TryReport, 'guid' | 'step' | 'time'>): void {
  run.report?.({ guid: run.guid, step: run.step, time: run.clock.now(), ...fields });
}

/**
 * One try: `fn` with its own AbortSignal, aborted when `signal` aborts or the timeout
 * expires. Settles then, even if `fn` ignores its signal and never settles.
 */
async function tryOnce<C>(fn: (context: C) => unknown, run: StepRun<C>, signal: AbortSignal, timeout: number, attribute: string | undefined): Promise<void> {
  const own = new AbortController();
  let timer: unknown;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    onAbort = () => {
      own.abort(signal.reason);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (timeout > 0) {
      timer = run.clock.setTimeout(() => {
        const error = new StepTimeoutError(run.guid, run.step, attribute ?? 'timeout', timeout, formatDuration(timeout));
        own.abort(error);
        reject(error);
      }, timeout);
    }
  });
  try {
    await Promise.race([(async () => fn(run.context(own.signal)))(), stopped]);
  } finally {
    if (timer !== undefined) run.clock.clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
