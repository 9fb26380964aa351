/**
 * `linux::Application`: a command run by `bash -c` on its node, in its own process group.
 *
 * start spawns it (stdout and stderr go straight to their trace files); run waits for it to
 * exit: code 0 is FINISHED, any other code or a signal FAILED with the last lines of stderr;
 * stop sends SIGTERM to the group and SIGKILL after `stopTimeout`; release kills whatever of
 * the group is still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { defineResourceType, type ProbeContext, type StepContext } from '../../resources/resource-type.js';
import { groupAlive, liveMembers, signalGroup, trackGroup, untrackGroup } from './process-registry.js';

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Running {
  readonly child: ChildProcess;
  /** The process group: the child leads its own (detached), so its pid. */
  readonly pgid: number;
  readonly exited: Promise<Exit>;
  exit?: Exit;
}

function watch(child: ChildProcess): Running {
  const state: Running = {
    child,
    pgid: child.pid ?? -1,
    exited: new Promise<Exit>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        state.exit ??= { code, signal };
        if (state.pgid > 0 && !groupAlive(state.pgid)) untrackGroup(state.pgid);
        resolve(state.exit);
      };
      child.once('exit', done);
      child.once('error', () => done(null, null)); // never started
    }),
  };
  return state;
}

const STDERR_TAIL_LINES = 5;

function running(ctx: StepContext): Running | undefined {
  return ctx.data['process'] as Running | undefined;
}

/** `${RUN_DIR}` and `${APP_DIR}` in a command, replaced by the run's and the application's folders. */
export function substitute(command: string, dirs: { runDir: string; appDir: string }): string {
  return command.replaceAll('${RUN_DIR}', dirs.runDir).replaceAll('${APP_DIR}', dirs.appDir);
}

async function start(ctx: StepContext): Promise<void> {
  const appDir = ctx.dir();
  const command = substitute(ctx.get('command') as string, { runDir: ctx.runDir, appDir });
  const env = (ctx.get('env') as Record<string, string> | undefined) ?? {};
  const stdin = ctx.get('stdin') as string | undefined;
  const output = (name: string) => (ctx.traceEnabled(name) ? openSync(ctx.tracePath(name), 'w') : 'ignore');
  const stdout = output('stdout');
  const stderr = output('stderr');
  let child: ChildProcess;
  try {
    child = spawn('bash', ['-c', command], {
      cwd: (ctx.get('workdir') as string | undefined) ?? appDir,
      env: { ...process.env, NEPI_RUN_DIR: ctx.runDir, NEPI_APP_DIR: appDir, NEPI_GUID: ctx.guid, ...env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', stdout, stderr],
      detached: true,
    });
  } finally {
    if (typeof stdout === 'number') closeSync(stdout);
    if (typeof stderr === 'number') closeSync(stderr);
  }
  // Known from here on, before the spawn is confirmed: a release that interrupts this step
  // finds the process and kills its group.
  const state = watch(child);
  ctx.data['process'] = state;
  if (state.pgid > 0) trackGroup(state.pgid);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  if (child.stdin) {
    child.stdin.on('error', () => {
      /* the process closed its input early: not a failure of the application */
    });
    child.stdin.end(stdin);
  }
}

async function run(ctx: StepContext): Promise<void> {
  const state = running(ctx);
  if (!state) throw new Error('no process was started');
  const { code, signal } = await state.exited;
  if (ctx.signal.aborted || code === 0) return;
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const tail = stderrTail(ctx);
  throw new Error(`command ${how}${tail ? `; stderr ends with:\n${tail}` : ''}`);
}

async function stop(ctx: StepContext): Promise<void> {
  const state = running(ctx);
  if (!state || state.exit) return;
  signalGroup(state.pgid, 'SIGTERM');
  await terminate(state, ctx.get('stopTimeout') as number);
}

async function release(ctx: StepContext): Promise<void> {
  const state = running(ctx);
  if (!state || state.pgid < 0) return;
  if (!state.exit || groupAlive(state.pgid)) await terminate(state, 0);
}

/**
 * Wait up to `grace` ms for the process to exit, then kill its whole group and wait for it.
 * Real time, whatever the experiment's clock: a real process gets a real grace period.
 */
async function terminate(state: Running, grace: number): Promise<void> {
  if (grace > 0 && !state.exit) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([state.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))]);
    clearTimeout(timer);
  }
  signalGroup(state.pgid, 'SIGKILL');
  await state.exited;
  untrackGroup(state.pgid);
}

/** After release: any process of the application's group still running is left behind. */
function probe(resource: ProbeContext): string[] {
  const state = resource.data['process'] as Running | undefined;
  if (!state || state.pgid < 0) return [];
  const pids = liveMembers(state.pgid);
  return pids.length > 0 ? [`process group ${state.pgid} of '${resource.guid}' still runs: pid ${pids.join(', ')}`] : [];
}

function stderrTail(ctx: StepContext): string {
  if (!ctx.traceEnabled('stderr')) return '';
  const path = ctx.tracePath('stderr');
  try {
    const size = statSync(path).size;
    const text = readFileSync(path, 'utf8').slice(Math.max(0, size - 4096));
    return text.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
  } catch {
    return '';
  }
}

export const LinuxApplication = defineResourceType({
  type: 'linux::Application',
  help: 'A command run by bash -c on its linux::Node, in its own process group; exit 0 is FINISHED.',
  attributes: {
    command: { type: 'string', required: true, help: 'The command, run by bash -c; ${RUN_DIR} and ${APP_DIR} are replaced.' },
    env: { type: 'map', help: 'Environment variables added to the inherited environment.' },
    workdir: { type: 'string', help: "The working directory (default: the application's folder in the run directory)." },
    stdin: { type: 'string', help: 'Text fed to the process on its standard input.' },
    stopTimeout: { type: 'duration', default: 5000, help: 'How long stop waits after SIGTERM before SIGKILL.' },
  },
  traces: {
    stdout: { help: "The process's standard output." },
    stderr: { help: "The process's standard error." },
  },
  connectsTo: { 'linux::Node': { min: 1, max: 1 } },
  dependsOn: ['linux::Node'],
  steps: { start, run, stop, release },
  probe,
});
