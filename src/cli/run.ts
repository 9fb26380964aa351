/** `nepi run FILE`: run an experiment file to its end, showing progress, and release it. */
import { loadExperimentFile } from '../files/load.js';
import { formatSummary } from './format.js';
import { ExitCode } from './exit-codes.js';
import { showProgress, type ProgressMode } from './progress.js';

export interface RunOptions {
  readonly localDir?: string;
  readonly expId?: string;
  readonly json?: boolean;
}

export async function runCommand(file: string, options: RunOptions): Promise<ExitCode> {
  const ec = await loadExperimentFile(file, {
    ...(options.localDir !== undefined ? { localDir: options.localDir } : {}),
    ...(options.expId !== undefined ? { expId: options.expId } : {}),
  });
  const mode: ProgressMode = options.json ? 'json' : process.stdout.isTTY ? 'live' : 'lines';
  const log = mode === 'json' ? process.stderr : process.stdout;

  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log.write(`\n${signal}: releasing every resource (press Ctrl-C again to force the exit)\n`);
      interrupt.abort();
    } else {
      process.exit(ExitCode.INTERRUPTED); // the exit hook still kills every process group
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress = showProgress(ec, mode, process.stdout);
  try {
    const summary = await ec.run({ signal: interrupt.signal });
    progress.stop();
    log.write(`\n${formatSummary(summary)}\n`);
    if (interrupt.signal.aborted) return ExitCode.INTERRUPTED;
    return summary.status === 'aborted' ? ExitCode.FAILED : ExitCode.OK;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
