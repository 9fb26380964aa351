/**
 * An application on a remote linux::Node, over the node's SSH connection (host.ts).
 *
 * On the host it lives in `~/.nepi/<expId>/<runId>/<guid>/`: `command`, `stdin`, the wrapper
 * (`wrapper.sh`, see ../local/process-wrapper.ts), `pid`, `stdout`, `stderr` and, once it
 * ended, `exit-status`. start launches the wrapper detached (`setsid`, input and output on
 * files), so it survives a dropped connection; the pid and its start time come back and are
 * recorded locally in `<runDir>/<guid>/process.json`. run waits for the host's monitor to
 * report its end (monitor.ts). stop sends SIGTERM to its process group, SIGKILL after
 * `stopTimeout`. release kills what is left of the group, copies stdout and stderr into the
 * local run directory and removes the folder from the host. Step work still in flight at
 * release (an upload, a depends command, a start) is waited for at most `stopTimeout`; a
 * depends command runs in a process group of its own, recorded by pid file on the host, which
 * an aborted step or the release kills.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { basename, posix } from 'node:path';
import type { Executor, Launch } from '../../../../resources/executor.js';
import type { ReattachOutcome } from '../../../../resources/resource-type.js';
import type { ProbeContext, ResourceScope, StepContext } from '../../../../resources/views.js';
import { untilAborted, within } from '../../../../time/race.js';
import { substitute, tailLines } from '../../executor.js';
import { processRecordPath, readProcessRecord, writeProcessRecord } from '../../process-record.js';
import { parseExitStatus, WRAPPER_SCRIPT, type Exit } from '../../process-wrapper.js';
import { failureMessage } from '../local/local-executor.js';
import { hostOptions } from './host-options.js';
import { SshHost } from './host.js';
import { remoteTraceSource } from './remote-traces.js';
import type { NodeConnection } from '../../session.js';
import { bash, GROUP_ALIVE_FUNCTION, isShellName, KILL_RECORDED_FUNCTION, killStepGroupsScript, quote, stepGroupCommand, writeFileCommand } from './shell.js';

const EXIT_FILE = 'exit-status';

/** What `ctx.data.process` holds for a remote application. */
export interface RemoteProcess {
  /** The node's hostname. */
  readonly host: string;
  readonly pid: number;
  readonly pgid: number;
  readonly startTime: string;
  readonly exitFile: string;
  /** Resolves with its exit (undefined: it left no status) once the host reports its end. */
  readonly exited: Promise<Exit | undefined>;
  ended: boolean;
  exit?: Exit | undefined;
}

/** `~/.nepi/<expId>/<runId>` on the host (absolute). */
export function remoteRunDir(host: SshHost, ctx: { expId: string; runId: string }): string {
  return posix.join(host.home, '.nepi', ctx.expId, ctx.runId);
}

async function connected(ctx: StepContext, conn: NodeConnection): Promise<SshHost> {
  const host = conn.host();
  await host.connect(ctx.signal);
  return host;
}

function appDirOf(host: SshHost, ctx: StepContext): string {
  const dir = posix.join(remoteRunDir(host, ctx), ctx.guid);
  ctx.data['remoteDir'] = dir;
  return dir;
}

/**
 * Remote work a step does: an aborted step does not stop a command already sent, so the
 * release waits for it before it cleans up (or the folder could be made again after). The
 * whole step counts, from its first line: a release that comes while the step still connects
 * or waits for a session would otherwise not know the folder the step is about to make.
 */
function inFlight<T>(ctx: StepContext, work: Promise<T>): Promise<T> {
  const pending = (ctx.data['inFlight'] as Set<Promise<unknown>> | undefined) ?? new Set<Promise<unknown>>();
  ctx.data['inFlight'] = pending;
  const settled = work.then(
    () => {},
    () => {},
  );
  pending.add(settled);
  void settled.then(() => pending.delete(settled));
  return work;
}

/** Throws when the step was aborted (a release came): nothing more is sent to the host. */
function unlessAborted(ctx: StepContext): void {
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('the step was aborted');
}

/** How long nepi's kill commands wait on purpose for a killed group to go (100 x 0.05 s). */
const KILL_WAIT_MS = 5000;

/** How long a release waits for in-flight step work when `stopTimeout` is unset or 0. */
const DEFAULT_SETTLE_MS = 5000;

/**
 * Wait for the in-flight step work, at most the application's `stopTimeout` (a command that
 * never ends must not stall the release); then kill the groups of the step commands still
 * running on the host (see stepGroupCommand) and close their channels.
 */
async function settleInFlight(ctx: StepContext, host: () => SshHost): Promise<void> {
  const pending = ctx.data['inFlight'] as Set<Promise<unknown>> | undefined;
  if (pending && pending.size > 0) {
    const stopTimeout = Number(ctx.get('stopTimeout') ?? 0);
    await within(Promise.all(pending), stopTimeout > 0 ? stopTimeout : DEFAULT_SETTLE_MS);
  }
  const groups = stepGroupsOf(ctx);
  if (groups.size > 0) {
    await killStepGroups(host(), [...groups]).catch(() => {});
    groups.clear();
  }
  (ctx.data['stepAbort'] as AbortController | undefined)?.abort(new Error('the application was released'));
  // the channels were closed: what is left settles at once; a bound all the same
  if (pending && pending.size > 0) await within(Promise.all(pending), 2000);
}

/** The pid files (on the host) of this application's step commands that may still run. */
function stepGroupsOf(ctx: StepContext): Set<string> {
  const groups = (ctx.data['stepGroups'] as Set<string> | undefined) ?? new Set<string>();
  ctx.data['stepGroups'] = groups;
  return groups;
}

/** Aborted by the step's signal or by the release: what step commands are sent with (closes their channels). */
function stepSignal(ctx: StepContext): AbortSignal {
  return AbortSignal.any([ctx.signal, releaseSignal(ctx)]);
}

/** Aborted by the release only, once the in-flight work had its stopTimeout. */
function releaseSignal(ctx: StepContext): AbortSignal {
  const own = (ctx.data['stepAbort'] as AbortController | undefined) ?? new AbortController();
  ctx.data['stepAbort'] = own;
  return own.signal;
}

async function killStepGroups(host: SshHost, pidFiles: readonly string[]): Promise<void> {
  await host.execShort(bash(killStepGroupsScript(pidFiles)), 'the kill of step commands');
}

function processOf(data: Readonly<Record<string, unknown>>): RemoteProcess | undefined {
  return data['process'] as RemoteProcess | undefined;
}

/** The application's traces that are collected: each written on the host in its folder, copied home at release. */
function tracePairs(ctx: ResourceScope, dir: string): Array<{ name: string; remote: string; local: string }> {
  return ctx.enabledTraces().map((name) => ({ name, remote: posix.join(dir, name), local: ctx.tracePath(name) }));
}

async function uploadFiles(ctx: StepContext, conn: NodeConnection, files: readonly string[]): Promise<void> {
  const host = await connected(ctx, conn);
  unlessAborted(ctx);
  const dir = appDirOf(host, ctx);
  const signal = stepSignal(ctx);
  await check(host, `mkdir -p ${quote(dir)}`, 'create the application folder', signal);
  for (const file of files) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(file).isDirectory();
    } catch {
      throw new Error(`file '${file}' (attribute files) does not exist`);
    }
    const target = posix.join(dir, basename(file));
    unlessAborted(ctx);
    if (isDirectory) await uploadDirectory(host, file, target, signal);
    else
      await host.upload(file, target, signal).catch((error: Error) => {
        if (signal.aborted) throw error;
        throw new Error(`uploading '${file}' to ${host.target}:${target} failed: ${error.message}`, { cause: error });
      });
  }
}

/** A folder goes over as a tar stream: one session, however many files. */
async function uploadDirectory(host: SshHost, local: string, remote: string, signal: AbortSignal): Promise<void> {
  // streamed: the local tar's output goes into the channel as it comes, never whole in memory
  const tar = spawn('tar', ['-C', local, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarError = '';
  tar.stderr.on('data', (chunk: Buffer) => (tarError += chunk.toString()));
  const tarDone = new Promise<number | null>((resolve) => {
    tar.once('error', (error) => {
      tarError ||= error.message;
      resolve(null);
    });
    tar.once('close', (code) => resolve(code));
  });
  // read from now on: a child's output nobody reads yet is thrown away when it exits (Node
  // drains it), and the channel opens later; the PassThrough holds it, tar waits meanwhile
  const output = tar.stdout.pipe(new PassThrough());
  let result;
  try {
    // as long as it takes while the host takes the stream in: stuck for operationTimeout, it fails
    result = await host.exec(`mkdir -p ${quote(remote)} && tar -C ${quote(remote)} -xf -`, {
      stdin: output,
      signal,
      idleTimeout: host.options.operationTimeout,
      what: `the upload of folder '${local}'`,
    });
  } catch (error) {
    tar.kill('SIGKILL');
    throw error;
  }
  // the remote tar stopped reading (it failed): the local one must not wait on a full pipe
  if (result.code !== 0) tar.kill('SIGKILL');
  const tarCode = result.code === 0 ? await tarDone : 0;
  if (tarCode !== 0) throw new Error(`uploading folder '${local}' to ${host.target}:${remote} failed: local tar: ${tarError.trim() || `exit ${tarCode}`}`);
  if (result.code !== 0) throw new Error(`uploading folder '${local}' to ${host.target}:${remote} failed: ${result.stderr.trim()}`);
}

/** Run each of `commands` once on the node: `done` holds those run (or running) by its applications. */
async function runDepends(ctx: StepContext, conn: NodeConnection, done: Map<string, Promise<void>>, commands: readonly string[]): Promise<void> {
  const host = await connected(ctx, conn);
  const runDir = remoteRunDir(host, ctx);
  for (const command of commands) {
    unlessAborted(ctx);
    let running = done.get(command);
    if (!running) {
      // in a group of its own, recorded by pid file: killed when the step is aborted or released
      const pidFile = posix.join(runDir, `.depends-${createHash('sha256').update(command).digest('hex').slice(0, 16)}.pgid`);
      const groups = stepGroupsOf(ctx);
      groups.add(pidFile);
      const onAbort = () => void killStepGroups(host, [pidFile]).catch(() => {});
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      // not given up at the step's abort: the abort kills the group, and the command's end (its
      // channel closed, the process gone) is waited for, so nothing runs on once the step is
      // over; the release bounds that wait (stopTimeout) and then closes the channel
      running = host
        .exec(`mkdir -p ${quote(runDir)} && cd ${quote(runDir)} && ${stepGroupCommand(command, pidFile)}`, { signal: releaseSignal(ctx) })
        .then((result) => {
          ctx.signal.removeEventListener('abort', onAbort);
          groups.delete(pidFile);
          if (result.code === 0) return;
          const tail = tailLines(result.stderr);
          throw new Error(`depends command '${command}' exited with code ${result.code} on ${host.target}${tail ? `; stderr ends with:\n${tail}` : ''}`);
        });
      done.set(command, running);
      running.catch(() => done.delete(command));
    }
    await running;
  }
}

function startScript(ctx: StepContext, launch: Launch, runDir: string, dir: string): string {
  const command = substitute(launch.command, { runDir, appDir: dir });
  const env: Record<string, string> = { NEPI_RUN_DIR: runDir, NEPI_APP_DIR: dir, NEPI_GUID: ctx.guid, ...launch.env };
  for (const name of Object.keys(env)) {
    if (!isShellName(name)) throw new Error(`env: '${name}' is not a valid environment variable name`);
  }
  const D = quote(dir);
  const output = (name: string) => (ctx.traceEnabled(name) ? `${D}/${name}` : '/dev/null');
  // a restart (a process ran before): the traces go on
  const into = processOf(ctx.data) ? '>>' : '>';
  return [
    'set -e',
    `mkdir -p ${D}`,
    `cd ${D}`,
    // a launch of this application whose pid never came back (a controller killed meanwhile, a
    // dropped connection): it is not left running beside the new one
    KILL_RECORDED_FUNCTION,
    `kill_recorded ${D} >/dev/null`,
    `rm -f ${EXIT_FILE} ${EXIT_FILE}.tmp`,
    writeFileCommand('command', command),
    writeFileCommand('wrapper.sh', WRAPPER_SCRIPT),
    launch.stdin === undefined ? 'rm -f stdin' : writeFileCommand('stdin', launch.stdin),
    ...Object.entries(env).map(([name, value]) => `export ${name}=${quote(value)}`),
    `cd ${launch.workdir === undefined ? D : quote(launch.workdir)}`,
    `setsid bash ${D}/wrapper.sh ${D}/${EXIT_FILE} "$(cat ${D}/command)" < ${launch.stdin === undefined ? '/dev/null' : `${D}/stdin`} ${into} ${output('stdout')} 2${into} ${output('stderr')} &`,
    'pid=$!',
    `echo $pid > ${D}/pid`,
    's=$(cat /proc/$pid/stat 2>/dev/null) || s=""',
    's=${s##*) }',
    'set -- $s',
    'echo "$pid ${20}"',
  ].join('\n');
}

async function launchRemote(ctx: StepContext, conn: NodeConnection, launch: Launch): Promise<void> {
  const host = await connected(ctx, conn);
  // a release already came: launch nothing (it waits for this step, then finds nothing to remove)
  unlessAborted(ctx);
  const runDir = remoteRunDir(host, ctx);
  const dir = appDirOf(host, ctx);
  const script = startScript(ctx, launch, runDir, dir);
  // not aborted with the step: once launched, its pid must come back for the release to kill it
  const result = await host.execShort('bash -s', 'the start script', { stdin: script });
  const match = /^(\d+) ?(\d*)\s*$/m.exec(result.stdout);
  if (result.code !== 0 || !match) {
    throw new Error(`cannot start the command on ${host.target} (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  const pid = Number(match[1]);
  ctx.dir();
  const process = follow(ctx, host, { pid, startTime: match[2] ?? '', exitFile: posix.join(dir, EXIT_FILE) });
  writeProcessRecord(processRecordPath(ctx.runDir, ctx.guid), {
    host: host.options.hostname,
    pid: process.pid,
    pgid: process.pgid,
    startTime: process.startTime,
    exitFile: process.exitFile,
  });
}

/** Watch a launched (or found again) process: its end, and its traces while it runs. */
function follow(ctx: StepContext, host: SshHost, found: { pid: number; startTime: string; exitFile: string }): RemoteProcess {
  const dir = posix.dirname(found.exitFile);
  ctx.data['remoteDir'] = dir;
  const exited = host.watch(found);
  const process: RemoteProcess = { ...found, host: host.options.hostname, pgid: found.pid, exited, ended: false };
  exited.then(
    (exit) => {
      process.ended = true;
      process.exit = exit;
    },
    () => {},
  );
  ctx.data['process'] = process;
  for (const { name, remote, local } of tracePairs(ctx, dir)) ctx.setTraceSource(name, remoteTraceSource(host, remote, local));
  return process;
}

async function run(ctx: StepContext, conn: NodeConnection): Promise<void> {
  const process = processOf(ctx.data);
  if (!process) throw new Error('no process was started');
  const host = conn.host();
  let exit: Exit | undefined;
  try {
    exit = await untilAborted(process.exited, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) return;
    throw new Error(`cannot follow process ${process.pid} on its node: ${(error as Error).message}`, { cause: error });
  }
  if (ctx.signal.aborted || exit?.code === 0) return;
  const dir = ctx.data['remoteDir'] as string;
  const tail = ctx.traceEnabled('stderr')
    ? await host
        .execShort(`tail -n 5 ${quote(posix.join(dir, 'stderr'))}`, 'reading the end of stderr')
        .then((result) => tailLines(result.stdout))
        .catch(() => '')
    : '';
  throw new Error(failureMessage(exit ?? { code: null, signal: null }, tail));
}

async function stop(ctx: StepContext, conn: NodeConnection): Promise<void> {
  const process = processOf(ctx.data);
  if (!process || process.ended) return;
  const host = conn.host();
  await host.execShort(`kill -TERM -- -${process.pgid} 2>/dev/null; true`, `the SIGTERM to process group ${process.pgid}`);
  await within(
    process.exited.catch(() => {}),
    ctx.get('stopTimeout') as number,
  );
  await killGroup(host, process.pgid);
  host.ended(process.exitFile, undefined);
}

/** SIGKILL the group and wait (up to 5 s) until none of it is left. */
async function killGroup(host: SshHost, pgid: number): Promise<void> {
  const result = await host.execShort(
    bash(`${GROUP_ALIVE_FUNCTION}\nkill -KILL -- -${pgid} 2>/dev/null; for i in $(seq 100); do group_alive ${pgid} || exit 0; sleep 0.05; done; exit 1`),
    `the SIGKILL to process group ${pgid}`,
    { waits: KILL_WAIT_MS },
  );
  if (result.code !== 0) throw new Error(`process group ${pgid} on ${host.target} is still alive after SIGKILL`);
}

async function release(ctx: StepContext, conn: NodeConnection): Promise<void> {
  // the node's connection; when the node already closed it, one of the release's own, closed
  // at its end (a connection left open keeps the controller's process alive)
  let own: SshHost | undefined;
  const hostOf = (): SshHost => conn.open() ?? (own ??= new SshHost(hostOptions(conn.node)));
  try {
    await settleInFlight(ctx, hostOf);
    const dir = ctx.data['remoteDir'] as string | undefined;
    if (dir === undefined) return; // nothing was made on the host
    await cleanUp(ctx, hostOf(), dir);
  } finally {
    own?.close();
  }
}

/** Kill what is left of the application's group, copy its traces back, remove its folder. */
async function cleanUp(ctx: StepContext, host: SshHost, dir: string): Promise<void> {
  const process = processOf(ctx.data);
  const traces = process ? tracePairs(ctx, dir) : [];
  try {
    await host.connect();
    // one session: kill what is left of the group, send the traces back as a tar stream, remove the folder
    const copy = traces.length > 0 ? extractInto(ctx.dir()) : undefined;
    const result = await host.exec(
      bash(
        releaseScript(
          process?.pgid,
          dir,
          traces.map((trace) => trace.name),
        ),
      ),
      // however big the traces, the stream keeps coming; only the kill loop is quiet, up to 5 s
      { idleTimeout: host.options.operationTimeout + KILL_WAIT_MS, what: 'the release script', ...(copy ? { stdout: copy.stdin } : {}) },
    );
    if (copy) await copy.done;
    if (result.code !== 0) throw new Error(result.stderr.trim() || `exit ${result.code}`);
    if (process) host.ended(process.exitFile, undefined);
  } catch (error) {
    const left = process ? `process group ${process.pgid} may still run there and ` : '';
    throw new Error(`cannot clean up on ${host.target}: ${left}${dir} is left behind: ${(error as Error).message}`, { cause: error });
  } finally {
    for (const { name } of traces) ctx.setTraceSource(name, undefined);
  }
}

function releaseScript(pgid: number | undefined, dir: string, traces: readonly string[]): string {
  const D = quote(dir);
  return [
    GROUP_ALIVE_FUNCTION,
    // the group as recorded, or as the folder's pid file names it (a launch whose pid never came back)
    ...(pgid === undefined ? [KILL_RECORDED_FUNCTION, `pgid=$(kill_recorded ${D})`] : [`pgid=${pgid}`, 'kill -KILL -- -$pgid 2>/dev/null']),
    'i=0',
    'while [ -n "$pgid" ] && group_alive $pgid; do',
    '  i=$((i + 1))',
    '  if [ $i -gt 100 ]; then echo "process group $pgid is still alive after SIGKILL" >&2; exit 3; fi',
    '  sleep 0.05',
    'done',
    `if cd ${D} 2>/dev/null; then`,
    '  set --',
    `  for f in ${traces.join(' ')}; do [ -e "$f" ] && set -- "$@" "$f"; done`,
    // an empty archive when there is nothing: the local tar always gets an archive
    '  tar -cf - "$@" --files-from /dev/null',
    `  cd / && rm -rf ${D}`,
    'fi',
    'exit 0',
  ].join('\n');
}

/** A local `tar -x` into `dir`: what the release's session sends back. */
function extractInto(dir: string): { stdin: NodeJS.WritableStream; done: Promise<void> } {
  const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  tar.stdin.on('error', () => {});
  const done = new Promise<void>((resolve, reject) =>
    tar.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`copying the traces into ${dir} failed: ${stderr.trim() || `tar exit ${code}`}`)))),
  );
  return { stdin: tar.stdin, done };
}

/** On the host: the live members of the group, and whether the folder is still there. */
const PROBE_SCRIPT = (pgid: number, dir: string) =>
  [
    `for f in /proc/[0-9]*/stat; do`,
    `  s=$(cat "$f" 2>/dev/null) || continue; p=\${s%% *}; s=\${s##*) }; set -- $s`,
    `  [ "$3" = ${pgid} ] && [ "$1" != Z ] && echo "pid $p"`,
    `done`,
    dir ? `[ -e ${quote(dir)} ] && echo dir; true` : 'true',
  ].join('\n');

async function probe(resource: ProbeContext, conn: NodeConnection): Promise<string[]> {
  const process = processOf(resource.data);
  const dir = (resource.data['remoteDir'] as string | undefined) ?? '';
  if (!process && !dir) return [];
  const existing = conn.open();
  const host = existing ?? conn.host();
  try {
    await host.connect();
    const result = await host.execShort(bash(PROBE_SCRIPT(process?.pgid ?? 0, dir)), 'the probe');
    const pids = [...result.stdout.matchAll(/^pid (\d+)$/gm)].map((m) => m[1]);
    const found: string[] = [];
    if (process && pids.length > 0) found.push(`process group ${process.pgid} of '${resource.guid}' still runs on ${host.target}: pid ${pids.join(', ')}`);
    if (/^dir$/m.test(result.stdout)) found.push(`folder ${dir} of '${resource.guid}' is still on ${host.target}`);
    return found;
  } finally {
    if (!existing) conn.close();
  }
}

/** Find the process `process.json` recorded, on its host. */
async function reattach(ctx: StepContext, conn: NodeConnection): Promise<ReattachOutcome> {
  const path = processRecordPath(ctx.runDir, ctx.guid);
  const record = readProcessRecord(path);
  const host = conn.host();
  try {
    await host.connect(ctx.signal);
  } catch (error) {
    return { status: 'gone', reason: `cannot look for it: ${(error as Error).message}` };
  }
  const runDir = remoteRunDir(host, ctx);
  ctx.data['remoteDir'] = posix.join(runDir, ctx.guid);
  if (!record) return { status: 'gone', reason: `no process was recorded for '${ctx.guid}' (${path} is missing or unreadable)` };
  const check = await host.execShort(
    bash(
      `s=$(cat /proc/${record.pid}/stat 2>/dev/null) && s=\${s##*) } && set -- $s && [ "$1" != Z ] && [ -z ${quote(record.startTime)} -o "\${20}" = ${quote(record.startTime)} ] && echo running; cat ${quote(record.exitFile)} 2>/dev/null; true`,
    ),
    'the check of the recorded process',
    { signal: ctx.signal },
  );
  if (/^running$/m.test(check.stdout)) {
    follow(ctx, host, record);
    return { status: 'running' };
  }
  const exit = parseExitStatus(check.stdout);
  const ended: RemoteProcess = { ...record, host: record.host, exited: Promise.resolve(exit), ended: true, exit };
  ctx.data['process'] = ended;
  if (exit?.code === 0) return { status: 'ended', ok: true };
  if (!exit)
    return { status: 'ended', ok: false, reason: `process ${record.pid} on ${host.target} ended while no controller watched it and left no exit status` };
  return { status: 'ended', ok: false, reason: failureMessage(exit, '') };
}

/** Run `command`; with `signal`, its channel is closed when that aborts (the step's, or the release's). */
async function check(host: SshHost, command: string, what: string, signal?: AbortSignal): Promise<void> {
  const result = await host.execShort(command, `${what} (${command})`, signal ? { signal } : {});
  if (result.code !== 0) throw new Error(`cannot ${what} on ${host.target}: ${result.stderr.trim()}`);
}

/**
 * The executor of a remote linux::Node: commands run on its host over the node's SSH
 * connection. One per node; it keeps the `depends` commands the node already ran.
 */
export function createRemoteExecutor(conn: NodeConnection): Executor {
  const dependsRun = new Map<string, Promise<void>>();
  return {
    where: conn.target,
    upload: (ctx, files) => inFlight(ctx, uploadFiles(ctx, conn, files)),
    depends: (ctx, commands) => inFlight(ctx, runDepends(ctx, conn, dependsRun, commands)),
    start: (ctx, launch) => inFlight(ctx, launchRemote(ctx, conn, launch)),
    run: (ctx) => run(ctx, conn),
    stop: (ctx) => stop(ctx, conn),
    release: (ctx) => release(ctx, conn),
    probe: (resource) => probe(resource, conn),
    reattach: (ctx) => reattach(ctx, conn),
  };
}
