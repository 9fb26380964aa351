/**
 * Campaigns on the command line: `nepi run FILE --runs N | --max-runs N | --until-converged
 * --metric CMD [--sweep NAME=V1,V2 ...] [--sweep-file FILE]`, and `nepi campaign resume|show|plot DIR`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CampaignError } from '../campaign/campaign-error.js';
import { parseSweepAndParamArguments, readSweepFile } from '../campaign/combinations.js';
import { formatCampaign, formatRunLine, formatStopSettings } from '../campaign/format.js';
import { plotCampaign } from '../campaign/plot.js';
import { readCampaign, resumeCampaign, runExperiment } from '../campaign/run-experiment.js';
import type { CampaignEvent, CampaignResult } from '../campaign/types.js';
import type { IntervalMethod, StopOptions } from '../campaign/stop-rule.js';
import { loadFileTypes } from '../files/file-types.js';
import { readExperimentFile } from '../files/load.js';
import type { TypeRegistry } from '../resources/registry.js';
import { ExitCode } from './exit-codes.js';
import { commandRegistry, type TypesFlags } from './type-options.js';
import { listenForInterrupt } from './interrupt.js';

/** The `nepi run` flags that make a campaign, as commander hands them over. */
export interface CampaignFlags {
  readonly runs?: string;
  readonly minRuns?: string;
  readonly maxRuns?: string;
  readonly untilConverged?: boolean;
  readonly metric?: string;
  readonly metricTimeout?: string;
  readonly interval?: string;
  readonly precision?: string;
  readonly confidence?: string;
  readonly sweep?: string[];
  readonly param?: string[];
  readonly sweepFile?: string;
  readonly campaignDir?: string;
}

/** Add the campaign flags to `nepi run`. */
export function addCampaignRunOptions(command: Command): Command {
  return command
    .option('--runs <n>', 'run the experiment N times (a campaign: see docs/campaigns.md)')
    .option('--min-runs <n>', 'repeat until the metric converges, at least N times (default 5)')
    .option('--max-runs <n>', 'run at most N times (exactly N without convergence)')
    .option('--until-converged', "repeat until the metric's interval is within --precision of its mean")
    .option('--metric <command>', 'a command run by bash in each run directory that prints one number')
    .option('--metric-timeout <duration>', 'how long the metric command may take', '60s')
    .option('--interval <method>', "the convergence interval: 'nepi' (2·σ/√n) or 't' (Student t)", 'nepi')
    .option('--precision <fraction>', 'converged when the half width is at most this fraction of the mean (0.05 or 5%)', '5%')
    .option('--confidence <fraction>', "the t interval's confidence (0.95 or 95%)", '95%')
    .option('--sweep <name=values>', 'a parameter and its comma-separated values; repeat for the cartesian product', collect, [])
    .option('--sweep-file <file>', 'explicit combinations: a YAML or JSON list of mappings')
    .option('--campaign-dir <dir>', 'the campaign directory (default <local-dir>/<exp-id>/campaign-<time>-<id>)');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Whether the flags ask for a campaign rather than one run. */
export function isCampaign(flags: CampaignFlags): boolean {
  return (
    flags.runs !== undefined ||
    flags.minRuns !== undefined ||
    flags.maxRuns !== undefined ||
    flags.untilConverged === true ||
    flags.metric !== undefined ||
    (flags.sweep?.length ?? 0) > 0 ||
    flags.sweepFile !== undefined ||
    flags.campaignDir !== undefined
  );
}

/** `nepi run FILE` with campaign flags. */
export async function runCampaignCommand(
  file: string,
  flags: CampaignFlags &
    TypesFlags & { readonly localDir?: string; readonly expId?: string; readonly json?: boolean; readonly ui?: boolean; readonly inspect?: boolean },
): Promise<ExitCode> {
  if (flags.json) throw new CampaignError('--json prints the events of one run; a campaign keeps every run in its directory');
  if (flags.ui || flags.inspect) {
    throw new CampaignError(`${flags.ui ? '--ui' : '--inspect'} watches one run; a campaign runs many: watch one with nepi run FILE alone`);
  }
  const stop: StopOptions = {
    ...optionalInteger('runs', flags.runs),
    ...optionalInteger('min-runs', flags.minRuns, 'minRuns'),
    ...optionalInteger('max-runs', flags.maxRuns, 'maxRuns'),
    ...(flags.untilConverged ? { untilConverged: true } : {}),
    interval: intervalMethod(flags.interval ?? 'nepi'),
    precision: fraction('precision', flags.precision ?? '5%'),
    confidence: fraction('confidence', flags.confidence ?? '95%'),
  };
  const sweep = parseSweepAndParamArguments(flags.sweep ?? [], flags.param ?? []);
  const combinations = flags.sweepFile !== undefined ? readSweepFile(flags.sweepFile) : undefined;
  // every run of the campaign looks its types up here: the built-in ones, --types, NEPI_TYPES_PATH and the file's
  const registry = await loadFileTypes(await readExperimentFile(file), file, { registry: await commandRegistry(flags) });
  const { signal, dispose } = interruptible();
  try {
    const result = await runExperiment(file, {
      ...stop,
      ...(flags.metric !== undefined ? { metric: flags.metric, metricTimeout: flags.metricTimeout ?? '60s' } : {}),
      sweep,
      ...(combinations ? { combinations } : {}),
      ...(flags.campaignDir !== undefined ? { dir: flags.campaignDir } : {}),
      ...(flags.localDir !== undefined ? { localDir: flags.localDir } : {}),
      ...(flags.expId !== undefined ? { expId: flags.expId } : {}),
      registry,
      signal,
      onEvent: eventPrinter(),
    });
    return finish(result);
  } finally {
    dispose();
  }
}

/** `nepi campaign resume DIR`. */
export async function campaignResumeCommand(dir: string): Promise<ExitCode> {
  const registry = await campaignRegistry(dir);
  const { signal, dispose } = interruptible();
  try {
    const result = await resumeCampaign(dir, { registry, signal, onEvent: eventPrinter() });
    return finish(result);
  } finally {
    dispose();
  }
}

/**
 * The types a campaign resumed from `dir` looks up: the built-in ones, NEPI_TYPES_PATH's, and
 * those of the modules its experiment file names, resolved from the folder the file was in.
 */
async function campaignRegistry(dir: string): Promise<TypeRegistry> {
  const registry = await commandRegistry({});
  const { experiment } = readCampaign(dir).state;
  if (experiment.kind !== 'file') return registry;
  const copy = join(dir, experiment.copy);
  return loadFileTypes(await readExperimentFile(copy), copy, { registry, from: dirname(experiment.file) });
}

/** `nepi campaign show DIR`. */
export function campaignShowCommand(dir: string): ExitCode {
  const { state, result } = readCampaign(dir);
  process.stdout.write(`${formatCampaign(state, result)}\n`);
  return ExitCode.OK;
}

/** `nepi campaign plot DIR --x NAME [-o FILE]`. */
export function campaignPlotCommand(dir: string, options: { x: string; output?: string; title?: string; yLabel?: string; logX?: boolean }): ExitCode {
  const { state } = readCampaign(dir);
  const svg = plotCampaign(state, {
    x: options.x,
    ...(options.logX ? { logX: true } : {}),
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.yLabel !== undefined ? { yLabel: options.yLabel } : {}),
  });
  const out = resolve(options.output ?? join(dir, `plot-${options.x}.svg`));
  writeFileSync(out, svg);
  process.stdout.write(`${out}\n`);
  return ExitCode.OK;
}

/** Add `resume`, `show` and `plot` to the `nepi campaign` command. */
export function defineCampaignCommands(campaign: Command, setCode: (code: ExitCode) => void): Command {
  campaign.description('resume, show or plot a campaign (nepi run --runs/--sweep makes one)');
  campaign
    .command('resume')
    .description('go on with a campaign where it stopped, never repeating a finished run')
    .argument('<dir>', 'a campaign directory (holds campaign.json)')
    .action(async (dir: string) => setCode(await campaignResumeCommand(dir)));
  campaign
    .command('show')
    .description("print a campaign's runs, their metric and each combination's interval")
    .argument('<dir>', 'a campaign directory')
    .action((dir: string) => setCode(campaignShowCommand(dir)));
  campaign
    .command('plot')
    .description('write an SVG of the metric against a parameter, with confidence intervals')
    .argument('<dir>', 'a campaign directory')
    .requiredOption('--x <parameter>', 'the parameter on the x axis')
    .option('-o, --output <file>', 'the SVG file (default <dir>/plot-<parameter>.svg)')
    .option('--log-x', 'a logarithmic x axis')
    .option('--title <text>', 'the title')
    .option('--y-label <text>', "the y axis' label (default: the metric command)")
    .action((dir: string, options: { x: string; output?: string; title?: string; yLabel?: string; logX?: boolean }) =>
      setCode(campaignPlotCommand(dir, options)),
    );
  return campaign;
}

/** What a campaign prints as it goes: its start, one line per run, and how each combination stopped. */
function eventPrinter(): (event: CampaignEvent) => void {
  let converge = false;
  return (event) => {
    if (event.type === 'campaign.start') {
      const { dir, combinations, remaining } = event;
      converge = event.stop.converge;
      const what = event.resumed ? `resuming campaign ${dir}: ${remaining} of ${combinations}` : `campaign ${dir}: ${combinations}`;
      process.stdout.write(
        `${what} combination${combinations === 1 ? '' : 's'} to run, ${formatStopSettings(event.stop)}\n` +
          `(after a crash or Ctrl-C, go on with: nepi campaign resume ${dir})\n`,
      );
    } else if (event.type === 'run.end') {
      process.stdout.write(`${formatRunLine(event.parameters, event.run, event.interval)}\n`);
    } else if (event.type === 'combination.end' && event.stopped === 'converged') {
      process.stdout.write(`  converged after ${event.runs} runs\n`);
    } else if (event.type === 'combination.end' && converge) {
      process.stdout.write(`  did not converge in ${event.runs} runs (--max-runs)\n`);
    }
  };
}

function finish(result: CampaignResult): ExitCode {
  const { state } = readCampaign(result.dir);
  process.stdout.write(`\n${formatCampaign(state, result)}\n`);
  if (result.status === 'interrupted') {
    process.stdout.write(`\ninterrupted: nepi campaign resume ${result.dir}\n`);
    return ExitCode.INTERRUPTED;
  }
  return result.failedRuns > 0 ? ExitCode.FAILED : ExitCode.OK;
}

/** SIGINT/SIGTERM abort the run in progress (it is released); a second one exits at once. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const { signal, stop } = listenForInterrupt(process.stdout, 'releasing the run in progress, then stopping the campaign');
  return { signal, dispose: stop };
}

function optionalInteger(flag: string, text: string | undefined, key: string = flag): Record<string, number> {
  if (text === undefined) return {};
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < 1 || !Number.isSafeInteger(value))
    throw new CampaignError(`expected --${flag} to be a positive integer, got '${text}'`);
  return { [key]: value };
}

function fraction(flag: 'precision' | 'confidence', text: string): number {
  const percent = text.trim().endsWith('%');
  const value = Number(percent ? text.trim().slice(0, -1) : text);
  if (!Number.isFinite(value) || value <= 0 || (percent ? value >= 100 : value >= 1)) {
    const example = flag === 'precision' ? '0.05 or 5%' : '0.95 or 95%';
    throw new CampaignError(`expected --${flag} to be a fraction such as ${example}, got '${text}'`);
  }
  return percent ? value / 100 : value;
}

function intervalMethod(text: string): IntervalMethod {
  if (text !== 'nepi' && text !== 't') throw new CampaignError(`expected --interval to be 'nepi' or 't', got '${text}'`);
  return text;
}
