/** `nepi timeline RUN_DIR [-o FILE]`: rebuild a run's timeline from its events.ndjson. */
import { rebuildTimeline } from '../timeline/write.js';
import { ExitCode } from './exit-codes.js';

export async function timelineCommand(runDir: string, options: { output?: string }): Promise<ExitCode> {
  const written = await rebuildTimeline(runDir, options.output);
  for (const path of written) process.stdout.write(`${path}\n`);
  return ExitCode.OK;
}
