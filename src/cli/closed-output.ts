/**
 * A closed stdout or stderr (`nepi run ... | head -5`) must not stop a run: what is written
 * after the reader went away is dropped, and the run goes on to its end, releases everything
 * and writes its summary. Node ignores SIGPIPE, so the closed pipe shows as an EPIPE 'error'
 * event on the stream, which would otherwise end the process with a stack trace.
 */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET']);

/** Make `stream` drop its output once its reader has closed; other write errors still throw. */
export function tolerateClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!CLOSED.has(error.code ?? '')) throw error;
    // from now on a write is a no-op that reports success, so no writer waits for 'drain'
    stream.write = (_chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    };
  });
}
