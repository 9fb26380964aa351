/**
 * The local backend's cleaner (`nepi clean`): kills the process groups that applications of a
 * killed run left running on this host, as their `<runDir>/<guid>/process.json` records them.
 * A group is killed only while it is still the one recorded: its leader (the recorded pid) has
 * the recorded start time, or is gone while members of its group still run (a pid cannot be
 * reused as a group id while that group exists).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cleaner, CleanReport } from '../../../../resources/backend.js';
import { localStartTime, processRecordPath, readProcessRecord } from '../../process-record.js';
import { liveMembers, signalGroup } from './process-groups.js';

function cleanRun(runDir: string): CleanReport {
  const removed: string[] = [];
  const problems: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(runDir);
  } catch {
    return { removed, problems };
  }
  for (const guid of entries) {
    const record = readProcessRecord(processRecordPath(runDir, guid));
    if (!record || record.host !== 'local' || record.pgid <= 0) continue;
    const leader = localStartTime(record.pgid);
    if (leader !== '' && record.startTime !== '' && leader !== record.startTime) continue; // another process now
    const members = liveMembers(record.pgid);
    if (members.length === 0) continue;
    try {
      signalGroup(record.pgid, 'SIGKILL');
      removed.push(`process group ${record.pgid} of '${guid}' (pid ${members.join(', ')})`);
    } catch (error) {
      problems.push(`process group ${record.pgid} of '${guid}': ${(error as Error).message}`);
    }
  }
  return { removed, problems };
}

/**
 * The run directories of orphaned application processes: group leaders started by nepi
 * (`NEPI_RUN_DIR` in their environment) whose parent is gone (re-parented to pid 1). A run
 * resumed by `nepi resume` reattaches without adopting them: clean --all must not run then.
 */
function orphanedRuns(): string[] {
  const runs = new Set<string>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[1] !== '1' || fields[2] !== entry) continue; // orphaned group leaders only
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      const runDir = environ.find((v) => v.startsWith('NEPI_RUN_DIR='))?.slice('NEPI_RUN_DIR='.length);
      if (runDir) runs.add(runDir);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return [...runs];
}

export const processCleaner: Cleaner = {
  backend: 'local',
  async cleanRun(runDir) {
    return cleanRun(runDir);
  },
  async cleanAll() {
    const reports = orphanedRuns().map((runDir) => cleanRun(join(runDir)));
    return { removed: reports.flatMap((r) => r.removed), problems: reports.flatMap((r) => r.problems) };
  },
};
