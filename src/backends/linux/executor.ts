/**
 * What the linux executors share (local-executor.ts on this host, remote-executor.ts over
 * SSH): replacing `${RUN_DIR}` and `${APP_DIR}` in a command, list attributes, the end of a
 * stderr for an error message. The Executor contract is src/resources/executor.ts.
 */

/** `${RUN_DIR}` and `${APP_DIR}` in a command, replaced by the run's and the application's folders. */
export function substitute(command: string, dirs: { runDir: string; appDir: string }): string {
  return command.replaceAll('${RUN_DIR}', dirs.runDir).replaceAll('${APP_DIR}', dirs.appDir);
}

/** A list attribute written as one string: items separated by newlines (or commas, for `files`). */
export function splitList(value: string | undefined, separators: RegExp): string[] {
  if (value === undefined) return [];
  return value
    .split(separators)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export const STDERR_TAIL_LINES = 5;

/** The last lines of a stderr text, for an error message. */
export function tailLines(text: string): string {
  return text.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}
