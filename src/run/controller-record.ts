/**
 * `<runDir>/controller.json`: which process drives a run (`{"pid":N,"startTime":"...","host":"..."}`),
 * written when the run is first deployed and again when it is resumed. `nepi resume` refuses a
 * run whose controller still runs (two controllers would drive the same resources); `nepi
 * exec`, `shell` and `inspect` reach only the nodes of a run whose controller still runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { NepiError } from '../errors.js';

export const CONTROLLER_FILE = 'controller.json';

interface ControllerRecord {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: tells a reused pid apart ('' where /proc is not there). */
  readonly startTime: string;
  readonly host: string;
}

function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** Record this process as the controller of the run in `runDir` (which exists). */
export function writeControllerRecord(runDir: string): void {
  const record: ControllerRecord = { pid: process.pid, startTime: startTimeOf(process.pid), host: hostname() };
  writeFileSync(join(runDir, CONTROLLER_FILE), `${JSON.stringify(record)}\n`);
}

/** The pid of the controller recorded for `runDir` when it is another process of this host that still runs. */
export function liveController(runDir: string): number | undefined {
  let record: Partial<ControllerRecord>;
  try {
    record = JSON.parse(readFileSync(join(runDir, CONTROLLER_FILE), 'utf8')) as Partial<ControllerRecord>;
  } catch {
    return undefined; // none recorded (or cut short): nothing says a controller runs
  }
  const { pid, startTime, host } = record;
  if (typeof pid !== 'number' || pid === process.pid || host !== hostname()) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined; // gone
  }
  const now = startTimeOf(pid);
  if (startTime && now && now !== startTime) return undefined; // the pid was reused
  return pid;
}

/** Throw when the controller recorded for `runDir` is another process of this host that still runs. */
export function assertNoLiveController(runDir: string): void {
  const pid = liveController(runDir);
  if (pid !== undefined) throw new NepiError(`the controller of '${runDir}' still runs (pid ${pid}): stop it before resuming the run`);
}
