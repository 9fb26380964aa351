/**
 * The bash that runs on a host to report the end of watched processes, and the lines it
 * speaks. Kept apart from the controller's side (monitor.ts) so that tests can run the very
 * same text with a local bash (test/backends/ssh/monitor-script.test.ts).
 *
 * To the host, one line each (on the monitor's standard input):
 *
 *   watch <id> <pid> <startTime> <exitFile>     watch this process (startTime may be empty)
 *
 * From the host (its standard output):
 *
 *   ack <id>                    the watch was read whole and is being watched
 *   exit <id> <status>          the process ended and wrote <status> to its exit file
 *   gone <id>                   the process ended without writing one (killed with SIGKILL)
 *
 * A `watch` is idempotent: sent twice (a re-send, a re-attach) it is acknowledged twice and
 * watched once. The loop polls every watched process every 0.2 s with `read -t 0.2` on its
 * input; a line that is only partly read when that timeout fires is kept and completed by the
 * next read (bash leaves the partial bytes in the variable on a timeout: dropping them lost
 * the line, see docs/ssh.md).
 */

/** How long the loop waits for input before it looks at the watched processes again (seconds, as bash's `read -t`). */
export const POLL_SECONDS = 0.2;

/**
 * `alive PID STARTTIME`: whether the process lives (not a zombie) and is the one watched
 * (field 22 of its stat, when STARTTIME is given). `report ID PID STARTTIME FILE`: prints
 * how it ended (`exit` or `gone` line) and succeeds if it did, else fails silently.
 */
const FUNCTIONS = [
  'alive() {',
  '  local st=$2 s',
  '  { read -r s < "/proc/$1/stat"; } 2>/dev/null || return 1',
  '  s=${s##*) }',
  '  set -- $s',
  '  [ "$1" != Z ] && { [ -z "$st" ] || [ "${20}" = "$st" ]; }',
  '}',
  'report() {',
  '  local c',
  '  if [ -s "$4" ] || ! alive "$2" "$3"; then',
  // the wrapper writes its exit file before it ends: one that is not there once it ended never will be
  '    if [ -s "$4" ]; then { read -r c < "$4"; } 2>/dev/null; echo "exit $1 $c"; else echo "gone $1"; fi',
  '    return 0',
  '  fi',
  '  return 1',
  '}',
];

/**
 * The monitor loop. `buf` holds what a timed-out read had read of a line; it is put in front
 * of the next line read. A line that is not a well-formed `watch` (numbers, then an absolute
 * path) is ignored, unacknowledged: the controller sends it again. The processes are looked at on every read timeout, and at
 * least once a second while lines keep coming (`SECONDS` changed), so a stream of input never
 * starves the polling.
 */
export const MONITOR_SCRIPT = [
  'declare -A wp ws wf',
  'buf=',
  'last=$SECONDS',
  ...FUNCTIONS,
  'while :; do',
  `  if IFS= read -r -t ${POLL_SECONDS} line; then`,
  '    line=$buf$line',
  '    buf=',
  '    case $line in',
  '      watch\\ *)',
  '        rest=${line#watch }; id=${rest%% *}; rest=${rest#* }; pid=${rest%% *}; rest=${rest#* }; st=${rest%% *}; f=${rest#* }',
  '        case $id$pid$st in',
  '          *[!0-9]*) ;;',
  '          *) [ -n "$id" ] && [ -n "$pid" ] && [ "${f#/}" != "$f" ] && { wp[$id]=$pid; ws[$id]=$st; wf[$id]=$f; echo "ack $id"; } ;;',
  '        esac ;;',
  '    esac',
  '    [ "$SECONDS" = "$last" ] && continue',
  '  elif [ $? -le 128 ]; then',
  '    exit 0',
  '  else',
  '    buf=$buf$line',
  '  fi',
  '  last=$SECONDS',
  '  for id in "${!wp[@]}"; do',
  '    report "$id" "${wp[$id]}" "${ws[$id]}" "${wf[$id]}" && unset -v \'wp[$id]\' \'ws[$id]\' \'wf[$id]\'',
  '  done',
  'done',
].join('\n');

/**
 * The fallback check, a command of its own: reads `<id> <pid> <startTime> <exitFile>` lines
 * (startTime may be empty) and prints, as the monitor does, an `exit` or `gone` line for each
 * process that ended. For watches the monitor stayed silent about (see Monitor).
 */
export const CHECK_SCRIPT = [
  ...FUNCTIONS,
  'while IFS= read -r line; do',
  '  id=${line%% *}; rest=${line#* }; pid=${rest%% *}; rest=${rest#* }; st=${rest%% *}; f=${rest#* }',
  '  report "$id" "$pid" "$st" "$f"',
  'done',
  'exit 0',
].join('\n');

export interface WatchedProcess {
  readonly pid: number;
  readonly startTime: string;
  readonly exitFile: string;
}

/** The `watch` line of watch `id`. */
export function watchLine(id: number, process: WatchedProcess): string {
  return `watch ${id} ${process.pid} ${process.startTime} ${process.exitFile}\n`;
}

/** A line of CHECK_SCRIPT's input. */
export function checkLine(id: number, process: WatchedProcess): string {
  return `${id} ${process.pid} ${process.startTime} ${process.exitFile}\n`;
}

/** A line from the host: an acknowledgement, or how a watched process ended (`status`: its exit file's first line). */
export type Report =
  | { readonly kind: 'ack'; readonly id: number }
  | { readonly kind: 'exit'; readonly id: number; readonly status: string }
  | { readonly kind: 'gone'; readonly id: number };

/** The report a line from the host makes; undefined for anything else (which is ignored). */
export function parseReport(line: string): Report | undefined {
  const match = /^(ack|exit|gone) (\d+)(?: (.*))?$/.exec(line);
  if (!match) return undefined;
  const id = Number(match[2]);
  switch (match[1]) {
    case 'ack':
      return { kind: 'ack', id };
    case 'gone':
      return { kind: 'gone', id };
    default:
      return { kind: 'exit', id, status: match[3] ?? '' };
  }
}
