/**
 * The backend sessions of one experiment (see src/resources/backend.ts): each opened the
 * first time one of its resources asks for it, all disposed of at shutdown. Nothing of a
 * session outlives its experiment, and no other experiment sees it.
 */
import { describeCause, NepiError } from '../errors.js';
import type { Backend, BackendSession } from '../resources/backend.js';
import type { ExperimentView } from '../resources/views.js';

export class Sessions {
  readonly #open = new Map<Backend, BackendSession | undefined>();
  #disposed = false;

  constructor(readonly experiment: ExperimentView) {}

  /** The session of `backend` for this experiment, opened now if it is not yet; undefined without a backend. */
  get(backend: Backend | undefined): unknown {
    if (backend?.open === undefined) return undefined;
    if (this.#open.has(backend)) return this.#open.get(backend);
    if (this.#disposed) {
      throw new NepiError(`the ${backend.name} backend's session of experiment '${this.experiment.expId}' was disposed of: the experiment was shut down`);
    }
    const session = backend.open(this.experiment);
    this.#open.set(backend, session);
    return session;
  }

  /** The backends whose session is open. */
  get opened(): readonly string[] {
    return [...this.#open.keys()].map((backend) => backend.name);
  }

  /**
   * Dispose of every open session (all of them, even when one fails); later calls do nothing.
   * Returns one message per session that failed to dispose, naming its backend.
   */
  async disposeAll(): Promise<string[]> {
    if (this.#disposed) return [];
    this.#disposed = true;
    const open = [...this.#open];
    this.#open.clear();
    const outcomes = await Promise.allSettled(open.map(async ([, session]) => session?.dispose?.()));
    return outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected' ? [`the ${open[i]![0].name} backend's session: ${describeCause(outcome.reason)}`] : [],
    );
  }
}
