/** Building shell text for remote hosts: quoting and carrying bytes through base64. */

/** `text` as one single-quoted word of a POSIX shell. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A shell command that writes `content` to `path` byte for byte (base64 carries any byte). */
export function writeFileCommand(path: string, content: string): string {
  return `printf %s ${quote(Buffer.from(content).toString('base64'))} | base64 -d > ${path}`;
}

/** Whether `name` can be an environment variable of a shell. */
export function isShellName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * `group_alive PGID`: whether a process of the group runs on the host, read from /proc.
 * Zombies do not count: an orphaned wrapper stays one until the host's init reaps it, and
 * `kill -0 -- -PGID` would still find it.
 */
export const GROUP_ALIVE_FUNCTION = [
  'group_alive() {',
  '  local pg=$1 f s',
  '  for f in /proc/[0-9]*/stat; do',
  '    { read -r s < "$f"; } 2>/dev/null || continue',
  '    s=${s##*) }',
  '    set -- $s',
  '    [ "$3" = "$pg" ] && [ "$1" != Z ] && return 0',
  '  done',
  '  return 1',
  '}',
].join('\n');

/**
 * `kill_recorded DIR`: SIGKILL the process group whose leader the `pid` file of an
 * application's folder DIR names (the wrapper runs in its own session: pid = pgid), and print
 * that pgid. Only while that process is still the folder's wrapper (its command line names
 * `DIR/wrapper.sh`): a pid used again by another process is left alone. For a launch whose pid
 * never reached the controller (it died, or the connection dropped, before the answer came).
 */
export const KILL_RECORDED_FUNCTION = [
  'kill_recorded() {',
  '  local d=$1 p',
  '  { read -r p < "$d/pid"; } 2>/dev/null || return 0',
  '  case $p in "" | *[!0-9]*) return 0 ;; esac',
  '  grep -qaF -- "$d/wrapper.sh" /proc/$p/cmdline 2>/dev/null || return 0',
  '  kill -KILL -- -$p 2>/dev/null',
  '  echo "$p"',
  '}',
].join('\n');

/** A command that runs `script` with bash, whatever the user's login shell. */
export function bash(script: string): string {
  return `bash -c ${quote(script)}`;
}

/**
 * `command` (run by bash -c) in a session of its own, led by a bash that first writes its pid
 * (= the group's pgid) to `pidFile`; it ends with the command's exit status and removes the
 * file. A step command (a `depends`) that never ends can then be killed, group and all, by
 * `killStepGroupsScript` even after the controller gave up on it.
 */
export function stepGroupCommand(command: string, pidFile: string): string {
  const P = quote(pidFile);
  const inner = `echo $$ > ${P}; exec bash -c ${quote(command)}`;
  return `setsid --wait bash -c ${quote(inner)}; s=$?; rm -f ${P}; exit $s`;
}

/**
 * Shell text that SIGKILLs the groups whose pgids the `pidFiles` (of stepGroupCommand) name,
 * and removes the files of the groups it killed. A file it cannot read yet (not yet written,
 * or created but still empty: the kill came as the command started) is left alone, for the
 * command to write and a later kill to find: removing it then would lose the only record of
 * a group that goes on running.
 */
export function killStepGroupsScript(pidFiles: readonly string[]): string {
  return pidFiles
    .map(
      (file) =>
        `if { read -r p < ${quote(file)}; } 2>/dev/null; then case $p in "" | *[!0-9]*) ;; *) kill -KILL -- -$p 2>/dev/null; rm -f ${quote(file)} ;; esac; fi`,
    )
    .join('\n');
}
