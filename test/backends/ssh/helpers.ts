/** What the SSH tests share: a unique experiment id, and checks that nothing is left on the "host". */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { liveMembers } from '../../../src/backends/linux/transport/local/process-groups.js';

let counter = 0;
/** An experiment id no other test uses: its remote folder is `~/.nepi/<expId>`. */
export function uniqueExpId(prefix: string): string {
  return `${prefix}-${process.pid}-${++counter}-${Date.now().toString(36)}`;
}

/** The live processes of every application group recorded under `runDir` (process.json). */
export function liveRecorded(runDir: string): number[] {
  const found: number[] = [];
  if (!existsSync(runDir)) return found;
  for (const entry of readdirSync(runDir)) {
    const path = join(runDir, entry, 'process.json');
    if (!existsSync(path)) continue;
    const { pgid } = JSON.parse(readFileSync(path, 'utf8')) as { pgid: number };
    found.push(...liveMembers(pgid));
  }
  return found;
}

/** Processes whose command line mentions the experiment's remote folder. */
export function processesOf(expId: string): number[] {
  const needle = `/.nepi/${expId}/`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return found;
}

/** Whether anything of the experiment is left on the host (here: this machine): processes or its folder. */
export async function leftovers(expId: string, runDir: string, ms = 3000): Promise<string[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const found: string[] = [];
    const live = [...liveRecorded(runDir), ...processesOf(expId)];
    if (live.length > 0) found.push(`processes still run: ${[...new Set(live)].join(', ')}`);
    const folder = join(homedir(), '.nepi', expId);
    if (existsSync(folder)) found.push(`${folder} is still there`);
    if (found.length === 0 || performance.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Wait until `condition` holds (real time), or throw naming `what`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
