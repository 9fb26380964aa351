/**
 * The last line of defence when Node exits without a release (an uncaught error, a second
 * Ctrl-C the CLI turns into an exit): what a session still holds that would outlive the
 * process (a process group, a network namespace) is removed synchronously, by the cleanup
 * the session registered here. A session registers its cleanup when it first creates
 * something and unregisters it when it is disposed of; this module holds only those
 * callbacks, never a backend's state.
 */
const cleanups = new Set<() => void>();
let hooked = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      /* the process is exiting: the others must still run */
    }
  }
  cleanups.clear();
}

/** Run `cleanup` (synchronous) if the process exits before the returned function is called. */
export function onProcessExit(cleanup: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', runAll);
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
