/**
 * A remote operation that may not wait for ever: it rejects once `ms` passed without news
 * (`touch` restarts the wait: an upload that makes progress is not stuck, however long it
 * takes), or once `signal` aborts. On a timeout `onTimeout` runs first, to end what is stuck
 * (the SFTP channel). Real time: these bound I/O, not the experiment's logic.
 */
export interface Bounds {
  /** ms without news before the operation fails. */
  readonly ms: number;
  readonly signal?: AbortSignal | undefined;
  /** The error of a timeout. */
  readonly timeoutError: () => Error;
  /** Run on a timeout, before the rejection. */
  readonly onTimeout?: () => void;
}

export function bounded<T>(work: (touch: () => void) => Promise<T>, bounds: Bounds): Promise<T> {
  const { signal } = bounds;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      then();
    };
    const onAbort = () => settle(() => reject(signal?.reason));
    const touch = () => {
      if (settled) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        bounds.onTimeout?.();
        settle(() => reject(bounds.timeoutError()));
      }, bounds.ms);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    touch();
    let running: Promise<T>;
    try {
      running = work(touch);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
