/**
 * The local transport: an executor that runs an application's command on this host, after an
 * optional prefix (`ip netns exec <ns>` for a netns::Node). Its wrapper (see
 * ../../process-wrapper.ts) is spawned detached, so it leads its own process group, with
 * stdout and stderr going straight to their trace files. `process.json` records it right
 * after the spawn.
 *
 * The controller that spawned it waits for its exit event. A controller that reattached to
 * it (`nepi resume`) is not its parent: it polls /proc every REATTACHED_POLL_MS until the pid
 * is gone (or reused: the start time differs), then reads the exit file.
 *
 * Each executor (one per node) keeps the process groups it started (killed if Node exits
 * without a release) and the `depends` commands its node already ran.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Executor, Launch } from '../../../../resources/executor.js';
import type { ReattachOutcome } from '../../../../resources/resource-type.js';
import type { ProbeContext, StepContext } from '../../../../resources/views.js';
import { within } from '../../../../time/race.js';
import { substitute, tailLines } from '../../executor.js';
import { localStartTime, processRecordPath, readProcessRecord, writeProcessRecord } from '../../process-record.js';
import { describeExit, parseExitStatus, WRAPPER_NAME, WRAPPER_SCRIPT, type Exit } from '../../process-wrapper.js';
import { groupAlive, liveMembers, ProcessGroups, signalGroup } from './process-groups.js';

export const REATTACHED_POLL_MS = 250;
export const EXIT_FILE = 'exit-status';

/** What `ctx.data.process` holds for a local application. */
export interface LocalProcess {
  readonly host: 'local';
  readonly pid: number;
  /** The process group: the wrapper leads its own (detached), so its pid. */
  readonly pgid: number;
  readonly startTime: string;
  readonly exitFile: string;
  readonly child: ChildProcess | undefined;
  readonly exited: Promise<Exit>;
  exit?: Exit;
}

function watchChild(child: ChildProcess, exitFile: string, groups: ProcessGroups): LocalProcess {
  const pid = child.pid ?? -1;
  const state: LocalProcess = {
    host: 'local',
    pid,
    pgid: pid,
    startTime: pid > 0 ? localStartTime(pid) : '',
    exitFile,
    child,
    exited: new Promise<Exit>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        state.exit ??= { code, signal };
        if (state.pgid > 0 && !groupAlive(state.pgid)) groups.untrack(state.pgid);
        resolve(state.exit);
      };
      child.once('exit', done);
      child.once('error', () => done(null, null)); // never started
    }),
  };
  return state;
}

/** A process this controller did not spawn: wait for its end by polling /proc. */
function watchReattached(pid: number, startTime: string, exitFile: string, groups: ProcessGroups): LocalProcess {
  const state: LocalProcess = {
    host: 'local',
    pid,
    pgid: pid,
    startTime,
    exitFile,
    child: undefined,
    exited: new Promise<Exit>((resolve) => {
      const check = () => {
        if (sameProcess(pid, startTime)) return false;
        clearInterval(timer);
        state.exit ??= readExitFile(exitFile) ?? { code: null, signal: null };
        if (!groupAlive(pid)) groups.untrack(pid);
        resolve(state.exit);
        return true;
      };
      const timer = setInterval(check, REATTACHED_POLL_MS);
      check();
    }),
  };
  return state;
}

/** Whether `pid` runs (not a zombie) with the start time recorded ('' matches any). */
export function sameProcess(pid: number, startTime: string): boolean {
  const now = localStartTime(pid);
  if (now === '') return false;
  if (startTime !== '' && now !== startTime) return false;
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function readExitFile(path: string): Exit | undefined {
  try {
    return parseExitStatus(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function processOf(data: Readonly<Record<string, unknown>>): LocalProcess | undefined {
  return data['process'] as LocalProcess | undefined;
}

async function start(ctx: StepContext, launch: Launch, prefix: readonly string[], groups: ProcessGroups): Promise<void> {
  const appDir = ctx.dir();
  const command = substitute(launch.command, { runDir: ctx.runDir, appDir });
  const exitFile = join(appDir, EXIT_FILE);
  // a restart (a process ran before): the traces go on
  const flags = processOf(ctx.data) ? 'a' : 'w';
  const output = (name: string) => (ctx.traceEnabled(name) ? openSync(ctx.tracePath(name), flags) : 'ignore');
  const stdout = output('stdout');
  const stderr = output('stderr');
  const argv = [...prefix, 'bash', '-c', WRAPPER_SCRIPT, WRAPPER_NAME, exitFile, command];
  let child: ChildProcess;
  try {
    child = spawn(argv[0]!, argv.slice(1), {
      cwd: launch.workdir ?? appDir,
      env: { ...process.env, NEPI_RUN_DIR: ctx.runDir, NEPI_APP_DIR: appDir, NEPI_GUID: ctx.guid, ...launch.env },
      stdio: [launch.stdin === undefined ? 'ignore' : 'pipe', stdout, stderr],
      detached: true,
    });
  } finally {
    if (typeof stdout === 'number') closeSync(stdout);
    if (typeof stderr === 'number') closeSync(stderr);
  }
  // Known from here on, before the spawn is confirmed: a release that interrupts this step
  // finds the process and kills its group.
  const state = watchChild(child, exitFile, groups);
  ctx.data['process'] = state;
  if (state.pgid > 0) {
    groups.track(state.pgid);
    writeProcessRecord(processRecordPath(ctx.runDir, ctx.guid), {
      host: 'local',
      pid: state.pid,
      pgid: state.pgid,
      startTime: state.startTime,
      exitFile,
    });
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  if (child.stdin) {
    child.stdin.on('error', () => {
      /* the process closed its input early: not a failure of the application */
    });
    child.stdin.end(launch.stdin);
  }
}

async function run(ctx: StepContext): Promise<void> {
  const state = processOf(ctx.data);
  if (!state) throw new Error('no process was started');
  const exit = await state.exited;
  if (ctx.signal.aborted || exit.code === 0) return;
  throw new Error(failureMessage(exit, stderrTail(ctx)));
}

export function failureMessage(exit: Exit, tail: string): string {
  const how = exit.code === null && exit.signal === null ? 'ended without an exit status (killed?)' : describeExit(exit);
  return `command ${how}${tail ? `; stderr ends with:\n${tail}` : ''}`;
}

async function stop(ctx: StepContext, groups: ProcessGroups): Promise<void> {
  const state = processOf(ctx.data);
  if (!state || state.exit) return;
  signalGroup(state.pgid, 'SIGTERM');
  await terminate(state, ctx.get('stopTimeout') as number, groups);
}

async function release(ctx: StepContext, groups: ProcessGroups): Promise<void> {
  const state = processOf(ctx.data);
  if (!state || state.pgid < 0) return;
  if (!state.exit || groupAlive(state.pgid)) await terminate(state, 0, groups);
}

/**
 * Wait up to `grace` ms for the process to exit, then kill its whole group and wait for it.
 * Real time, whatever the experiment's clock: a real process gets a real grace period.
 */
async function terminate(state: LocalProcess, grace: number, groups: ProcessGroups): Promise<void> {
  if (grace > 0 && !state.exit) await within(state.exited, grace);
  signalGroup(state.pgid, 'SIGKILL');
  await state.exited;
  groups.untrack(state.pgid);
}

/** After release: any process of the application's group still running is left behind. */
function probe(resource: ProbeContext): string[] {
  const state = processOf(resource.data);
  if (!state || state.pgid < 0) return [];
  const pids = liveMembers(state.pgid);
  return pids.length > 0 ? [`process group ${state.pgid} of '${resource.guid}' still runs: pid ${pids.join(', ')}`] : [];
}

/** Find the process `process.json` recorded: still running, ended (with the exit file's status), or never started. */
async function reattach(ctx: StepContext, groups: ProcessGroups): Promise<ReattachOutcome> {
  const path = processRecordPath(ctx.runDir, ctx.guid);
  const record = readProcessRecord(path);
  if (!record) return { status: 'gone', reason: `no process was recorded for '${ctx.guid}' (${path} is missing or unreadable)` };
  if (sameProcess(record.pid, record.startTime)) {
    groups.track(record.pgid);
    ctx.data['process'] = watchReattached(record.pid, record.startTime, record.exitFile, groups);
    return { status: 'running' };
  }
  const exit = readExitFile(record.exitFile);
  // what ended is still released: a child of the group that outlived the wrapper is killed then
  const ended: LocalProcess = {
    host: 'local',
    pid: record.pid,
    pgid: record.pgid,
    startTime: record.startTime,
    exitFile: record.exitFile,
    child: undefined,
    exited: Promise.resolve(exit ?? { code: null, signal: null }),
    exit: exit ?? { code: null, signal: null },
  };
  ctx.data['process'] = ended;
  if (exit?.code === 0) return { status: 'ended', ok: true };
  if (!exit) {
    return { status: 'ended', ok: false, reason: `process ${record.pid} ended while no controller watched it and left no exit status in ${record.exitFile}` };
  }
  return { status: 'ended', ok: false, reason: failureMessage(exit, stderrTail(ctx)) };
}

function stderrTail(ctx: StepContext): string {
  if (!ctx.traceEnabled('stderr')) return '';
  const path = ctx.tracePath('stderr');
  try {
    const size = statSync(path).size;
    return tailLines(readFileSync(path, 'utf8').slice(Math.max(0, size - 4096)));
  } catch {
    return '';
  }
}

async function upload(ctx: StepContext, files: readonly string[]): Promise<void> {
  const appDir = ctx.dir();
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`file '${file}' (attribute files) does not exist`);
    cpSync(file, join(appDir, basename(file)), { recursive: true });
  }
}

/** Run `command` by bash (after `prefix`) in `cwd`; rejects with its exit code and the end of its stderr. */
function runOnce(command: string, cwd: string, prefix: readonly string[]): Promise<void> {
  const argv = [...prefix, 'bash', '-c', command];
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const code = typeof error.code === 'number' ? `exited with code ${error.code}` : error.message;
      const tail = tailLines(String(stderr));
      reject(new Error(`depends command '${command}' ${code}${tail ? `; stderr ends with:\n${tail}` : ''}`));
    });
  });
}

/** Options of {@link createLocalExecutor}. */
export interface LocalExecutorOptions {
  /** Argv put before every command (e.g. `ip netns exec <namespace>`); none by default. */
  readonly prefix?: readonly string[];
  /** Where commands run, for messages (default `this host`). */
  readonly where?: string;
}

/**
 * An executor running commands on this host (after `prefix`): what `linux::Node` gives on
 * this machine, and `netns::Node` inside its namespace. One per node: it keeps the process
 * groups it started and the `depends` commands its node ran.
 */
export function createLocalExecutor(options: LocalExecutorOptions = {}): Executor {
  const prefix = options.prefix ?? [];
  const groups = new ProcessGroups();
  /** The `depends` commands run (or running) on the node, each once. */
  const dependsRun = new Map<string, Promise<void>>();
  return {
    where: options.where ?? 'this host',
    upload,
    async depends(ctx, commands) {
      for (const command of commands) {
        let running = dependsRun.get(command);
        if (!running) {
          running = runOnce(command, ctx.runDir, prefix);
          dependsRun.set(command, running);
          running.catch(() => dependsRun.delete(command));
        }
        await running;
      }
    },
    start: (ctx, launch) => start(ctx, launch, prefix, groups),
    run,
    stop: (ctx) => stop(ctx, groups),
    release: (ctx) => release(ctx, groups),
    probe,
    reattach: (ctx) => reattach(ctx, groups),
  };
}
