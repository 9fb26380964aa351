/** `nepi plan FILE`: predict an experiment's timeline in virtual time, with stand-ins for every resource. */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { formatPlan } from '../plan/format-plan.js';
import { planExperimentFile } from '../plan/run-plan.js';
import { planReport, writePlan } from '../plan/write-plan.js';
import { parseParamArguments } from '../campaign/combinations.js';
import { ExitCode } from './exit-codes.js';

export interface PlanCommandOptions {
  readonly output?: string;
  readonly localDir?: string;
  readonly expId?: string;
  readonly json?: boolean;
  readonly param?: string[];
}

export async function planCommand(file: string, options: PlanCommandOptions): Promise<ExitCode> {
  const parameters = parseParamArguments(options.param ?? []);
  const plan = await planExperimentFile(file, { ...(options.expId === undefined ? {} : { expId: options.expId }), parameters });
  const dir = options.output ?? join(options.localDir ?? 'nepi-runs', plan.expId, 'plan');
  const [html] = writePlan(dir, plan);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(planReport(plan), null, 2)}\n`);
    process.stderr.write(`timeline: ${html}\n`);
  } else {
    const near = relative(process.cwd(), html!);
    process.stdout.write(`${formatPlan(plan)}\ntimeline: ${near.startsWith('..') || isAbsolute(near) ? resolve(html!) : near}\n`);
  }
  return plan.stuck.length > 0 || plan.status === 'aborted' ? ExitCode.FAILED : ExitCode.OK;
}
