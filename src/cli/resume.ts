/**
 * `nepi resume RUN_DIR`: continue a run whose controller died (SIGKILL, power loss) from its
 * run directory, to its end, as `nepi run` would have: progress, summary, exit code.
 */
import { ExperimentController } from '../experiment/experiment-controller.js';
import { ExitCode } from './exit-codes.js';
import { formatSummary } from './format.js';
import { listenForInterrupt } from './interrupt.js';
import { progressMode, showProgress } from './progress.js';
import { useColor } from './color.js';
import { commandRegistry, resultSpecsOf, type TypesFlags } from './type-options.js';

export interface ResumeCommandOptions extends TypesFlags {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
}

export async function resumeCommand(runDir: string, options: ResumeCommandOptions): Promise<ExitCode> {
  const mode = progressMode(options, process.stdout);
  const log = mode === 'json' ? process.stderr : process.stdout;
  const color = useColor(log);
  // with the modules experiment.json lists, which the resume loads itself
  const registry = await commandRegistry(options);

  // listening before the resume starts: a signal during it releases everything once it is done
  const interrupt = listenForInterrupt(log);

  let progress: { stop(): void } | undefined;
  try {
    const ec = await ExperimentController.resume(runDir, {
      registry,
      beforeResume: (resumed) => {
        log.write(`resuming ${resumed.runDir}\n`);
        progress = showProgress(resumed, mode, process.stdout, { color });
      },
    });
    const summary = await ec.run({ signal: interrupt.signal });
    progress?.stop();
    log.write(`\n${formatSummary(summary, { color, resultSpecs: resultSpecsOf(ec.registry) })}\n`);
    if (interrupt.signal.aborted) return ExitCode.INTERRUPTED;
    return summary.status === 'aborted' ? ExitCode.FAILED : ExitCode.OK;
  } finally {
    progress?.stop();
    interrupt.stop();
  }
}
