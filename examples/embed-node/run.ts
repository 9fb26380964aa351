/**
 * One experiment the service runs: its controller, every message of its event stream so far
 * (a late listener gets them all first, so it misses nothing), and who listens now.
 *
 * In your app the import is `from 'nepi'`; the examples import the sources they are built with.
 */
import type { ExperimentController, ResourceStateEvent, RunSummary } from '../../src/index.js';

/** A message of a run's event stream: a state change, then `end` with the summary. */
export type RunMessage =
  | { readonly id: number; readonly event: 'state'; readonly data: StateChange }
  | { readonly id: number; readonly event: 'end'; readonly data: RunSummary };

export interface StateChange {
  readonly guid: string;
  readonly from: string;
  readonly to: string;
  /** ms since the run began (rounded). */
  readonly time: number;
  readonly error?: string;
}

export class Run {
  readonly id: string;
  /** Settles once the run ended and was released, with its summary. */
  readonly done: Promise<RunSummary>;
  readonly #ec: ExperimentController;
  readonly #messages: RunMessage[] = [];
  readonly #listeners = new Set<(message: RunMessage) => void>();
  #summary: RunSummary | undefined;

  /** Start running `ec` (built, not deployed) to its end; `signal` interrupts it. */
  constructor(ec: ExperimentController, signal: AbortSignal) {
    this.id = ec.runId;
    this.#ec = ec;
    const t0 = ec.clock.now();
    ec.onStateChange((event: ResourceStateEvent) => {
      const { guid, from, to, time, error } = event;
      this.#publish('state', { guid, from, to, time: Math.round(time - t0), ...(error === undefined ? {} : { error: describe(error) }) });
    });
    // run() resolves whatever happened to the experiment; a rejection is a bug, and the stream still ends
    this.done = ec
      .run({ signal })
      .catch((error: unknown) => ({ ...ec.summary(), problems: [describe(error)] }))
      .then((summary) => {
        this.#summary = summary;
        this.#publish('end', summary);
        this.#listeners.clear();
        return summary;
      });
  }

  /** The summary: the final one once the run ended, the run as it stands before. */
  summary(): RunSummary {
    return this.#summary ?? this.#ec.summary();
  }

  get ended(): boolean {
    return this.#summary !== undefined;
  }

  /** How many messages the stream has had; they are numbered from 0. */
  get messageCount(): number {
    return this.#messages.length;
  }

  /**
   * Call `listener` with every message after the one numbered `after` (-1: all of them), then
   * with each new one until `end`. Returns the unsubscribe function.
   */
  listen(listener: (message: RunMessage) => void, after = -1): () => void {
    for (const message of this.#messages.slice(after + 1)) listener(message);
    if (this.ended) return () => {};
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #publish<E extends RunMessage['event']>(event: E, data: Extract<RunMessage, { event: E }>['data']): void {
    const message = { id: this.#messages.length, event, data } as RunMessage;
    this.#messages.push(message);
    for (const listener of this.#listeners) listener(message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
