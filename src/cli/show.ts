/** `nepi show RUN_DIR`: the summary of a past run. */
import { readRun } from '../run/read-run.js';
import { ExitCode } from './exit-codes.js';
import { formatSummary } from './format.js';
import { useColor } from './color.js';
import { inspectCommand } from './inspect.js';
import { liveController } from '../run/controller-record.js';

export async function showCommand(runDir: string): Promise<ExitCode> {
  const { summary, events } = await readRun(runDir);
  if (summary) {
    process.stdout.write(`${summary.expId}/${summary.runId}, ${summary.startedAt} - ${summary.endedAt}\n`);
    process.stdout.write(`${formatSummary(summary, { resources: true, color: useColor(process.stdout) })}\n`);
    return ExitCode.OK;
  }
  // no summary and a controller that still runs: the run goes on, show it as inspect does
  if (liveController(runDir) !== undefined) return inspectCommand(runDir);
  // no summary: the run did not end cleanly; say what its event log knows
  const last = new Map<string, string>();
  for (const event of events) last.set(event.guid, event.to);
  process.stdout.write(`${runDir}: no summary.json (the run did not end cleanly); last states from events.ndjson:\n`);
  for (const [guid, state] of last) process.stdout.write(`  ${guid}  ${state}\n`);
  return ExitCode.OK;
}
