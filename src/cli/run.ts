/** `nepi run FILE`: run an experiment file to its end, showing progress, and release it. */
import { loadExperimentFile } from '../files/load.js';
import { isCampaign, runCampaignCommand, type CampaignFlags } from './campaign.js';
import { parseParamArguments } from '../campaign/combinations.js';
import { formatSummary } from './format.js';
import { ExitCode } from './exit-codes.js';
import { listenForInterrupt } from './interrupt.js';
import { progressMode, showProgress } from './progress.js';
import { useColor } from './color.js';
import { prepareWatch, type WatchFlags } from '../ui/watch-run.js';
import { commandRegistry, resultSpecsOf, type TypesFlags } from './type-options.js';

/** --ui, --port, --ui-exit, --inspect: see docs/live-view.md and docs/inspect.md. */
export interface RunOptions extends CampaignFlags, WatchFlags, TypesFlags {
  readonly localDir?: string;
  readonly expId?: string;
  readonly json?: boolean;
  /** -q: nothing but the summary; -v: every state change, condition record and failed try, one line each. */
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  /** `NAME=VALUE`: the value of the file's `${NAME}`. */
  readonly param?: string[];
}

export async function runCommand(file: string, options: RunOptions): Promise<ExitCode> {
  if (isCampaign(options)) return runCampaignCommand(file, options); // --runs, --sweep...: see docs/campaigns.md
  const mode = progressMode(options, process.stdout);
  const log = mode === 'json' ? process.stderr : process.stdout;
  const color = useColor(log);
  const registry = await commandRegistry(options);
  const watch = await prepareWatch(options, log);
  const ec = await loadExperimentFile(file, {
    registry,
    parameters: parseParamArguments(options.param ?? []),
    ...(options.localDir !== undefined ? { localDir: options.localDir } : {}),
    ...(options.expId !== undefined ? { expId: options.expId } : {}),
    ...watch.controllerOptions,
  });
  try {
    await watch.start(ec); // a port already taken: nothing has run yet, release what was loaded
  } catch (error) {
    await ec.shutdown();
    throw error;
  }

  const interrupt = listenForInterrupt(log); // a second Ctrl-C exits at once (130)

  const progress = showProgress(ec, mode, process.stdout, { color });
  let summary;
  try {
    summary = await ec.run({ signal: interrupt.signal });
    progress.stop();
    log.write(`\n${formatSummary(summary, { color, resultSpecs: resultSpecsOf(ec.registry) })}\n`);
  } finally {
    progress.stop();
    interrupt.stop();
    // --ui: the finished run stays served until Ctrl-C (unless --ui-exit)
    await watch.finish(summary ?? { status: ec.status }, { interrupted: summary === undefined || interrupt.signal.aborted });
  }
  if (interrupt.signal.aborted) return ExitCode.INTERRUPTED;
  return summary.status === 'aborted' ? ExitCode.FAILED : ExitCode.OK;
}
