/**
 * What the fuzzer checks of each document: the outcome `nepi validate` and `nepi run` would
 * have (exit 0, 1 or 2 with a message), computed in-process through the library as the CLI
 * does, or by the real CLI in a child process. Anything else is a bug: an error that is not a
 * NepiError (the CLI would print its stack), a stack trace in the output, a run that does not
 * end within its bound, a process left running.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { formatSummary } from '../../src/cli/format.js';
import { loadExperimentFile, NepiError } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { BIN } from '../cli/cli.js';

export interface Outcome {
  readonly code: number;
  readonly message: string;
}

/** A stack frame as Node prints it. */
const STACK = /^\s+at .+[(:]\d+/m;

/** `nepi validate FILE`, in-process. */
export async function validateInProcess(file: string): Promise<Outcome> {
  try {
    const ec = await loadExperimentFile(file, { record: false });
    ec.actor.stop(); // as src/cli/validate.ts does
    return { code: 0, message: `${file}: valid` };
  } catch (error) {
    return expected(error);
  }
}

/**
 * `nepi run FILE`, in-process on a virtual clock (so hours of simulated work take no time):
 * loads, runs to the end and releases. Throws when the run does not end within `boundMs` of
 * real time.
 */
export async function runInProcess(file: string, localDir: string, boundMs: number): Promise<Outcome> {
  const clock = new VirtualClock(Date.UTC(2026, 10, 28));
  let ec;
  try {
    ec = await loadExperimentFile(file, { localDir, clock });
  } catch (error) {
    return expected(error);
  }
  let settled = false;
  const running = ec.run().finally(() => (settled = true));
  running.catch(() => undefined); // awaited below: its rejection is not unhandled
  const deadline = performance.now() + boundMs;
  while (!settled) {
    await clock.runAll();
    if (settled) break;
    if (performance.now() > deadline) {
      const states = ec.resources.map((guid) => `${guid}: ${ec.state(guid)}`).join(', ');
      ec.actor.stop();
      throw new Error(`the run did not end within ${boundMs} ms of real time (${states})`);
    }
    // real processes (linux::Application) end in real time
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const summary = await running;
  return { code: summary.status === 'aborted' ? 1 : 0, message: formatSummary(summary) };
}

/** A NepiError is exit 2 with its message; anything else is a bug and is thrown again. */
function expected(error: unknown): Outcome {
  if (error instanceof NepiError && error.message.trim() !== '' && !STACK.test(error.message)) return { code: 2, message: error.message };
  throw error;
}

export interface CliOutcome extends Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** `nepi ARGS` as a child process; rejects when it outlives `boundMs` (it is then killed). */
export function cli(args: readonly string[], boundMs: number, cwd?: string): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nepi ${args.join(' ')} did not end within ${boundMs} ms; stdout: ${stdout.slice(-500)}`));
    }, boundMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, message: `${stdout}${stderr}`.trim(), stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Why an outcome is not one of the allowed ones, or undefined when it is. */
export function problemWith(outcome: Outcome): string | undefined {
  if (![0, 1, 2].includes(outcome.code)) return `exit code ${outcome.code}`;
  if (outcome.message.trim() === '') return 'no message';
  if (STACK.test(outcome.message)) return `a stack trace in the output:\n${outcome.message.slice(0, 2000)}`;
  return undefined;
}

/**
 * Processes whose environment names a run directory under `root` (every process a
 * linux::Application starts has NEPI_RUN_DIR), waiting up to `ms` for them to go.
 */
export async function leftovers(root: string, ms = 3000): Promise<string[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const found = scan(root);
    if (found.length === 0 || performance.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function scan(root: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue; // a zombie is gone
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (environ.includes(`NEPI_RUN_DIR=${root}`)) {
        found.push(`${entry}: ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
