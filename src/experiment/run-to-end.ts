/**
 * `ec.run()` up to its shutdown: deploy what is not deployed yet, then wait until every
 * resource that ends by itself has ended (or everything started, when none does), until a
 * critical failure aborts, until the abort `signal` (Ctrl-C: the run is recorded as
 * interrupted, by the signal's reason, with what had not ended), or until the run stalls:
 * then what it still waits for fails, naming the conditions that can no longer hold.
 */
import { stateRank, type ResourceState } from '../../machines/lifecycle.js';
import { ExperimentAbortedError, RunStalledError } from '../errors.js';
import type { ExperimentController } from './experiment-controller.js';
import { watchStall } from './stall.js';

export async function runToEnd(ec: ExperimentController, signal: AbortSignal | undefined): Promise<void> {
  if (ec.status !== 'running') return;
  const ending = ec.endingResources();
  const [waited, state]: [readonly string[], ResourceState] = ending.length > 0 ? [ending, 'STOPPED'] : [ec.resources, 'STARTED'];
  if (signal?.aborted) return interrupt(ec, signal.reason, waited, state);
  ec.deploy();
  const done = ending.length > 0 ? ec.waitFinished(ending) : ec.waitStarted();
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onAbort = () => resolve('interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  // a run that can make no more progress fails what it still waits for (docs/reliability.md)
  const stopWatching = watchStall(ec.actor, () => failStranded(ec, waited, state));
  try {
    const end = await Promise.race([done.then(() => 'done' as const), interrupted]);
    if (end === 'interrupted' && ec.status === 'running') interrupt(ec, signal?.reason, waited, state);
  } catch (error) {
    if (!(error instanceof ExperimentAbortedError)) throw error;
  } finally {
    stopWatching();
    if (onAbort) signal?.removeEventListener('abort', onAbort); // one signal may serve many runs
  }
}

/** Record the interruption: by what (the signal's reason when it names one), and which of `guids` had not reached `state`. */
function interrupt(ec: ExperimentController, reason: unknown, guids: readonly string[], state: ResourceState): void {
  const { index } = ec.actor.getSnapshot().context;
  const unfinished = guids.filter((guid) => index.reachedAt(guid, stateRank(state), false) === undefined);
  ec.actor.send({ type: 'interrupt', by: nameInterruption(reason), unfinished });
}

/** `abort('SIGINT')` names its cause; a bare `abort()` (a DOMException) does not. */
export function nameInterruption(reason: unknown): string {
  if (typeof reason === 'string' && reason.trim() !== '') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message !== '') return reason.message;
  return 'an abort signal';
}

/**
 * The run stalled: fail what it still waits for, naming the conditions that can no longer
 * hold. First only the resources held back by their own conditions (failing them may let
 * the others go on: a barrier, a dependency); all of them when none is.
 */
function failStranded(ec: ExperimentController, guids: readonly string[], state: ResourceState): void {
  const { index, actors } = ec.actor.getSnapshot().context;
  const stranded = guids
    .filter((guid) => index.reachedAt(guid, stateRank(state), false) === undefined)
    .map((guid) => {
      const entry = index.get(guid);
      const action = entry.rank < stateRank('READY') ? 'DEPLOY' : entry.rank < stateRank('STARTED') ? 'START' : 'STOP';
      const unmet = (entry.gates[action]?.conditions ?? []).filter((w) => !w.satisfied);
      return { guid, action, unmet, own: unmet.some((w) => w.kind === 'condition') };
    });
  const first = stranded.some((s) => s.own) ? stranded.filter((s) => s.own) : stranded;
  for (const { guid, action, unmet } of first) {
    const waits = unmet.map((w) => `${w.members.map((m) => `'${m}'`).join(', ')} to reach ${w.state} (${w.kind})`);
    const error = new RunStalledError(
      `the run stalled: nothing can happen any more and its ${action} still waits for ${waits.join(' and ') || 'an order that never came'}`,
      { guid, type: ec.getResource(guid).type },
    );
    const actor = actors.get(guid);
    if (actor && (actor.getSnapshot() as { status: string }).status === 'active') actor.send({ type: 'FAIL', error });
  }
}
