/**
 * The wrapper every `linux::Application` runs under, locally and on remote hosts: it runs
 * the command with `bash -c` as its foreground child, then writes the command's exit status
 * to the exit file, so that a controller that is not (or no longer) the process's parent can
 * still learn how it ended (see `reattach`).
 *
 * The exit file holds one number, as a shell reports it: 0..128 is an exit code, 128 + N
 * means the command was killed by signal N. The wrapper then ends the same way (it re-raises
 * the signal on itself), so a parent that waits for it sees the command's own exit code or
 * signal. The wrapper traps TERM, INT, HUP and QUIT only to outlive its command long enough
 * to write the file (bash runs the trap once its foreground child ended; a trapped signal is
 * reset to its default in the child). A SIGKILL of the group kills the wrapper too: then no
 * exit file is written.
 *
 * The status is written in place (one small write, no temporary file and `mv`: a fork and
 * exec fewer per application); a reader that may race with it (the SSH monitor) waits for the
 * file to be non-empty.
 *
 * Arguments: `$1` the exit file, `$2` the command.
 */
import { constants } from 'node:os';

export const WRAPPER_SCRIPT = [
  'trap : TERM INT HUP QUIT',
  'bash -c "$2"',
  's=$?',
  'printf \'%s\\n\' "$s" > "$1"',
  'trap - TERM INT HUP QUIT',
  'if [ "$s" -gt 128 ]; then kill -s "$(kill -l "$s")" $$ 2>/dev/null; fi',
  'exit "$s"',
].join('\n');

/** The name the wrapper runs under (its `$0`): what `ps` shows. */
export const WRAPPER_NAME = 'nepi-app';

/** How a process ended: its exit code, or the signal that killed it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The content of an exit file, as an Exit; undefined when it is not a status. */
export function parseExitStatus(text: string): Exit | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const status = Number(trimmed);
  if (status <= 128) return { code: status, signal: null };
  const signal = signalName(status - 128);
  return signal ? { code: null, signal } : { code: status, signal: null };
}

function signalName(number: number): NodeJS.Signals | undefined {
  for (const [name, value] of Object.entries(constants.signals)) if (value === number) return name as NodeJS.Signals;
  return undefined;
}

/** "exited with code 3", "was killed by SIGKILL". */
export function describeExit({ code, signal }: Exit): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}
