/** `nepi validate FILE`: check an experiment file without running anything. */
import { loadExperimentFile } from '../files/load.js';
import { ExitCode } from './exit-codes.js';

export async function validateCommand(file: string): Promise<ExitCode> {
  const ec = await loadExperimentFile(file, { record: false });
  const { resources } = ec.describe();
  const conditions = Object.values(resources).reduce((n, r) => n + (r.conditions?.length ?? 0), 0);
  process.stdout.write(`${file}: valid (${Object.keys(resources).length} resources, ${conditions} conditions)\n`);
  // nothing was deployed: stop without a release, which would run every release step (in real time)
  ec.actor.stop();
  return ExitCode.OK;
}
