/** Running `nepi` as a child process that the test kills, and reading what its run left. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../cli/cli.js';

export interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Start `nepi ARGS` without waiting for it. */
export function startNepi(args: readonly string[], cwd?: string): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { process: child, exited };
}

/** The only run directory under `<localDir>/<expId>`, once it exists. */
export function runDirOf(localDir: string, expId: string): string | undefined {
  const dir = join(localDir, expId);
  if (!existsSync(dir)) return undefined;
  const runs = readdirSync(dir);
  return runs.length === 1 ? join(dir, runs[0]!) : undefined;
}

/** Every complete line of events.ndjson (the last one may be cut while it is written). */
export function readRecords(runDir: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(join(runDir, 'events.ndjson'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    try {
      return line === '' ? [] : [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Wait until `test` holds (checked every 20 ms) or `ms` passed; returns whether it held. */
export async function waitFor(test: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!test()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
