/** `nepi validate FILE`: check an experiment file without running anything. */
import { combineArguments, describeCombination } from '../campaign/combinations.js';
import { loadExperimentFile } from '../files/load.js';
import { ExitCode } from './exit-codes.js';
import { commandRegistry, type TypesFlags } from './type-options.js';

export interface ValidateOptions extends TypesFlags {
  /** `NAME=VALUE`: a parameter's value. */
  readonly param?: string[];
  /** `NAME=V1,V2`: check the file with each value (every combination of every sweep). */
  readonly sweep?: string[];
}

export async function validateCommand(file: string, options: ValidateOptions = {}): Promise<ExitCode> {
  const combinations = combineArguments(options.sweep ?? [], options.param ?? []);
  const registry = await commandRegistry(options);
  for (const parameters of combinations) {
    const ec = await loadExperimentFile(file, { record: false, parameters, registry });
    const { resources } = ec.describe();
    const conditions = Object.values(resources).reduce((n, r) => n + (r.conditions?.length ?? 0), 0);
    const with_ = combinations.length > 1 ? ` with ${describeCombination(parameters)}` : '';
    process.stdout.write(`${file}: valid${with_} (${Object.keys(resources).length} resources, ${conditions} conditions)\n`);
    // nothing was deployed: stop without a release, which would run every release step (in real time)
    ec.actor.stop();
  }
  return ExitCode.OK;
}
