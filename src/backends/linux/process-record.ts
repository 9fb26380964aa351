/**
 * `<runDir>/<guid>/process.json`: where an application's process is, written right after it
 * is spawned so that a later controller (`nepi resume`) can find it again:
 * `{"host":"local"|"<hostname>","pid":N,"pgid":N,"startTime":"<field 22 of /proc/PID/stat>","exitFile":"<path>"}`.
 * `exitFile` is a path on that host, where the wrapper writes the exit status.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessRecord {
  /** `local`, or the hostname of the remote linux::Node. */
  readonly host: string;
  readonly pid: number;
  readonly pgid: number;
  /** Field 22 of `/proc/<pid>/stat` (start time in clock ticks since boot): tells a reused pid apart. */
  readonly startTime: string;
  readonly exitFile: string;
}

export const PROCESS_FILE = 'process.json';

export function processRecordPath(runDir: string, guid: string): string {
  return join(runDir, guid, PROCESS_FILE);
}

export function writeProcessRecord(path: string, record: ProcessRecord): void {
  const { host, pid, pgid, startTime, exitFile } = record;
  writeFileSync(path, `${JSON.stringify({ host, pid, pgid, startTime, exitFile })}\n`);
}

/** The record at `path`; undefined when there is none or it cannot be read. */
export function readProcessRecord(path: string): ProcessRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProcessRecord>;
    // a pid or pgid of 0 or 1 would make `kill -- -PGID` hit the cleaner itself or every process
    if (!isProcessId(value.pid) || !isProcessId(value.pgid) || typeof value.exitFile !== 'string') return undefined;
    return {
      host: String(value.host ?? 'local'),
      pid: value.pid,
      pgid: value.pgid,
      startTime: String(value.startTime ?? ''),
      exitFile: value.exitFile,
    };
  } catch {
    return undefined;
  }
}

/** Field 22 of `/proc/<pid>/stat` on this host; '' where it cannot be read. */
export function localStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ...: comm may hold spaces and parentheses; field 3 is index 0 after it
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function isProcessId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 1;
}
