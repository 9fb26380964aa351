/**
 * A counting semaphore: at most `limit` holders at once, the others wait in order. The SSH
 * backend holds one per host for every session it opens (`maxSessions`).
 */
export class Semaphore {
  #active = 0;
  #peak = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`Expected \`limit\` to be a positive integer, got \`${limit}\``);
  }

  /** How many hold it now. */
  get active(): number {
    return this.#active;
  }

  /** The most that ever held it at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Wait for a place; resolves with the function that gives it back (call it once). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#active++;
        this.#peak = Math.max(this.#peak, this.#active);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#active--;
          this.#waiting.shift()?.();
        });
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      if (this.#active < this.limit) return grant();
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
