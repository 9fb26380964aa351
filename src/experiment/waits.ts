/**
 * Waits (`waitDeployed`, `waitStarted`, `waitFinished`, `waitReleased`, the release of a
 * group): each is a watch of the controller machine whose listener resolves a promise, so a
 * wait ends at the state change that completes it, never by polling. A critical failure
 * rejects every pending wait with an ExperimentAbortedError.
 */
import type { ControllerActor } from '../../machines/controller.js';
import { stateRank, type ResourceState } from '../../machines/lifecycle.js';
import { ExperimentAbortedError, InvalidActionError } from '../errors.js';
import { isUndeployed } from './deploy-checks.js';
import type { ExperimentModel, Guids } from './model.js';

export interface WaitOptions {
  /** Only the state itself counts, not a non-critical failure (default false). */
  readonly strict?: boolean;
  /** Refuse to wait for resources not deployed (default true). */
  readonly deployedOnly?: boolean;
}

export class Waits {
  readonly #pending = new Set<(error: Error) => void>();

  constructor(
    private readonly actor: ControllerActor,
    private readonly model: ExperimentModel,
  ) {
    actor.on('aborted', ({ failures }) => {
      const error = new ExperimentAbortedError(failures);
      const rejects = [...this.#pending];
      this.#pending.clear();
      for (const reject of rejects) reject(error);
    });
  }

  /**
   * Resolves when every one of `guids` (default: all) is at `state` or later. Rejects (an
   * unknown guid throws) when one is not deployed, the experiment aborted, or it was shut
   * down short of the state.
   */
  wait(guids: Guids | undefined, state: ResourceState, options: WaitOptions = {}): Promise<void> {
    const list = guids === undefined ? this.model.guids() : this.model.list(guids);
    const snapshot = this.actor.getSnapshot();
    if (snapshot.context.outcome.aborted && state !== 'RELEASED') {
      return Promise.reject(new ExperimentAbortedError([...snapshot.context.failures]));
    }
    const index = this.model.index;
    if (snapshot.status !== 'active') {
      // shut down: nothing moves any more, so answer from the states as they ended
      const rank = stateRank(state);
      const behind = list.find((guid) => index.reachedAt(guid, rank, options.strict ?? false) === undefined);
      return behind === undefined
        ? Promise.resolve()
        : Promise.reject(new InvalidActionError(`'${behind}' will never reach ${state}: the experiment was shut down`, { guid: behind }));
    }
    if (options.deployedOnly ?? true) {
      const idle = list.find((guid) => isUndeployed(index, guid));
      if (idle !== undefined) {
        return Promise.reject(
          new InvalidActionError(`cannot wait for '${idle}' to reach ${state}: it is not deployed`, { guid: idle, type: this.model.record(idle).type }),
        );
      }
    }
    return new Promise<void>((resolve, reject) => {
      this.#pending.add(reject);
      this.actor.send({
        type: 'watch.add',
        members: list,
        state,
        strict: options.strict ?? false,
        listener: () => {
          this.#pending.delete(reject);
          resolve();
        },
      });
    });
  }

  /** A watch that no abort rejects: for the engine's own waits while the controller runs. */
  watch(members: readonly string[], state: ResourceState, strict: boolean): Promise<void> {
    return new Promise((resolve) => this.actor.send({ type: 'watch.add', members, state, strict, listener: () => resolve() }));
  }
}
