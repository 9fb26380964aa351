/**
 * `nepi clean [RUN_DIR] [--all]`: remove what runs left behind when their controller could
 * not release them (killed with SIGKILL): with RUN_DIR, exactly what that run's ledger lists;
 * with --all, everything the backends' cleaners recognise as nepi's on this machine.
 */
import { statSync } from 'node:fs';
import { cleanUp } from '../backends/cleanup.js';
import { NepiError } from '../errors.js';
import { ExitCode } from './exit-codes.js';

export interface CleanOptions {
  readonly all?: boolean;
}

export async function cleanCommand(runDir: string | undefined, options: CleanOptions): Promise<ExitCode> {
  if ((runDir === undefined) === !options.all) {
    throw new NepiError(runDir === undefined ? 'nepi clean needs a run directory or --all' : 'nepi clean takes a run directory or --all, not both');
  }
  if (runDir !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(runDir).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) throw new NepiError(`'${runDir}' is not a run directory`);
  }
  const reports = await cleanUp(runDir === undefined ? 'all' : { runDir });
  let removed = 0;
  let problems = 0;
  for (const [backend, report] of reports) {
    for (const line of report.removed) process.stdout.write(`removed ${line} (${backend})\n`);
    for (const line of report.problems) process.stderr.write(`nepi clean: ${backend}: ${line}\n`);
    removed += report.removed.length;
    problems += report.problems.length;
  }
  const where = runDir === undefined ? 'on this machine' : `in ${runDir}`;
  process.stdout.write(removed === 0 && problems === 0 ? `nothing of nepi's left ${where}\n` : `${removed} removed, ${problems} problem(s)\n`);
  return problems > 0 ? ExitCode.FAILED : ExitCode.OK;
}
