/** `nepi plan FILE`: predict an experiment's timeline in virtual time, with stand-ins for every resource. */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { formatPlan } from '../plan/format-plan.js';
import { planExperimentFile } from '../plan/run-plan.js';
import { planReport, writePlan } from '../plan/write-plan.js';
import { combineArguments, describeCombination } from '../campaign/combinations.js';
import type { Parameters } from '../files/parameters.js';
import { ExitCode } from './exit-codes.js';
import { commandRegistry, type TypesFlags } from './type-options.js';

export interface PlanCommandOptions extends TypesFlags {
  readonly output?: string;
  readonly localDir?: string;
  readonly expId?: string;
  readonly json?: boolean;
  readonly param?: string[];
  /** `NAME=V1,V2`: plan every combination, each into its own folder. */
  readonly sweep?: string[];
}

export async function planCommand(file: string, options: PlanCommandOptions): Promise<ExitCode> {
  const combinations = combineArguments(options.sweep ?? [], options.param ?? []);
  const swept = combinations.length > 1;
  const reports: object[] = [];
  let code: ExitCode = ExitCode.OK;
  const registry = await commandRegistry(options);
  for (const parameters of combinations) {
    const plan = await planExperimentFile(file, { ...(options.expId === undefined ? {} : { expId: options.expId }), parameters, registry });
    const base = options.output ?? join(options.localDir ?? 'nepi-runs', plan.expId, 'plan');
    const [html] = writePlan(swept ? join(base, combinationFolder(parameters)) : base, plan);
    if (plan.stuck.length > 0 || plan.status === 'aborted') code = ExitCode.FAILED;
    if (options.json) {
      reports.push(swept ? { parameters, plan: planReport(plan) } : planReport(plan));
      process.stderr.write(`timeline${swept ? ` with ${describeCombination(parameters)}` : ''}: ${html}\n`);
    } else {
      const near = relative(process.cwd(), html!);
      const heading = swept ? `with ${describeCombination(parameters)}:\n` : '';
      process.stdout.write(
        `${heading}${formatPlan(plan)}\ntimeline: ${near.startsWith('..') || isAbsolute(near) ? resolve(html!) : near}\n${swept ? '\n' : ''}`,
      );
    }
  }
  if (options.json) process.stdout.write(`${JSON.stringify(swept ? reports : reports[0], null, 2)}\n`);
  return code;
}

/** `rate=1mbit,count=10`: a folder name for one combination of a sweep. */
function combinationFolder(parameters: Parameters): string {
  return Object.entries(parameters)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(',')
    .replace(/[^A-Za-z0-9._,=+-]+/g, '_');
}
