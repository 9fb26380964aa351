/**
 * One long-lived session per host that reports when watched applications end, so that no
 * session is held per running application. It runs a small bash loop on the host, fed on its
 * standard input with `watch <pid> <startTime> <exitFile>` lines; every 0.2 s it checks
 * each watched process (`/proc/<pid>/stat`, with the start time telling a reused pid apart)
 * and prints `exit <status> <exitFile>` once the exit file is written (non-empty), or `gone <exitFile>` when
 * the process ended without writing one (killed with SIGKILL). The loop ends with its input:
 * when the controller or the connection goes away.
 *
 * After a reconnect the host attaches a new channel and every watch still pending is sent
 * again: the processes ran on meanwhile, and their exit files tell how they ended.
 */
import type { ClientChannel } from 'ssh2';
import { parseExitStatus, type Exit } from '../../process-wrapper.js';

export const MONITOR_SCRIPT = [
  'declare -A w',
  'alive() {',
  '  local st=$2 s',
  '  { read -r s < "/proc/$1/stat"; } 2>/dev/null || return 1',
  '  s=${s##*) }',
  '  set -- $s',
  '  [ "$1" != Z ] && { [ -z "$st" ] || [ "${20}" = "$st" ]; }',
  '}',
  'while :; do',
  '  if IFS= read -r -t 0.2 line; then',
  '    case $line in',
  '      watch\\ *)',
  '        rest=${line#watch }; pid=${rest%% *}; rest=${rest#* }; st=${rest%% *}; f=${rest#* }',
  '        w[$f]="$pid $st" ;;',
  '    esac',
  '    continue',
  '  elif [ $? -le 128 ]; then',
  '    exit 0',
  '  fi',
  '  for f in "${!w[@]}"; do',
  '    set -- ${w[$f]}',
  '    if [ -s "$f" ] || ! alive "$1" "$2"; then',
  '      if [ -s "$f" ]; then { read -r c < "$f"; } 2>/dev/null; echo "exit $c $f"; else echo "gone $f"; fi',
  "      unset -v 'w[$f]'",
  '    fi',
  '  done',
  'done',
].join('\n');

export interface WatchedProcess {
  readonly pid: number;
  readonly startTime: string;
  readonly exitFile: string;
}

interface Watch {
  readonly process: WatchedProcess;
  readonly resolve: (exit: Exit | undefined) => void;
  readonly reject: (error: unknown) => void;
}

export class Monitor {
  #channel: ClientChannel | undefined;
  #buffer = '';
  readonly #watches = new Map<string, Watch[]>();

  /** Whether a watch is pending (a channel is needed). */
  get watching(): boolean {
    return this.#watches.size > 0;
  }

  get attached(): boolean {
    return this.#channel !== undefined;
  }

  /** Use `channel` (running MONITOR_SCRIPT) from now on, and send it every pending watch. */
  attach(channel: ClientChannel, onClose: () => void): void {
    this.#channel = channel;
    this.#buffer = '';
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => this.#read(chunk));
    channel.stderr.resume();
    channel.on('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = undefined;
      onClose();
    });
    for (const watches of this.#watches.values()) this.#send(watches[0]!.process);
  }

  detach(): void {
    this.#channel = undefined;
  }

  /** Resolves with how the process ended: its exit status, or undefined if it left none. */
  watch(process: WatchedProcess): Promise<Exit | undefined> {
    return new Promise((resolve, reject) => {
      const watches = this.#watches.get(process.exitFile);
      if (watches) return void watches.push({ process, resolve, reject });
      this.#watches.set(process.exitFile, [{ process, resolve, reject }]);
      if (this.#channel) this.#send(process);
    });
  }

  /** Settle the watches of `exitFile` now: the caller knows the process ended (it killed its group). */
  settle(exitFile: string, exit: Exit | undefined): void {
    const watches = this.#watches.get(exitFile) ?? [];
    this.#watches.delete(exitFile);
    for (const watch of watches) watch.resolve(exit);
  }

  /** Reject every pending watch (the host is lost or closed). */
  fail(error: unknown): void {
    const watches = [...this.#watches.values()].flat();
    this.#watches.clear();
    for (const watch of watches) watch.reject(error);
  }

  #send(process: WatchedProcess): void {
    this.#channel?.write(`watch ${process.pid} ${process.startTime} ${process.exitFile}\n`);
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      const exit = /^exit (\S*) (.*)$/.exec(line);
      const gone = /^gone (.*)$/.exec(line);
      const file = exit?.[2] ?? gone?.[1];
      if (file === undefined) continue;
      const status = exit ? parseExitStatus(exit[1]!) : undefined;
      const watches = this.#watches.get(file) ?? [];
      this.#watches.delete(file);
      for (const watch of watches) watch.resolve(status);
    }
  }
}
