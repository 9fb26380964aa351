#!/usr/bin/env node
/** The `nepi` command: parses arguments, calls the library, prints, and exits with a documented code. */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError } from 'commander';
import '../index.js';
import { defaultRegistry } from '../resources/registry.js';
import { NepiError } from '../errors.js';
import { ExperimentFileError } from '../files/experiment-file-error.js';
import { formatFileError } from './code-frame.js';
import { useColor } from './color.js';
import { tolerateClosedOutput } from './closed-output.js';
import { ExitCode } from './exit-codes.js';
import { cleanCommand } from './clean.js';
import { execCommand, shellCommand, type NodeCommandOptions } from './exec.js';
import { inspectCommand } from './inspect.js';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { addExamples } from './help-examples.js';
import { runCommand, type RunOptions } from './run.js';
import { addCampaignRunOptions, defineCampaignCommands } from './campaign.js';
import { resumeCommand, type ResumeCommandOptions } from './resume.js';
import { graphCommand } from './graph.js';
import { planCommand, type PlanCommandOptions } from './plan.js';
import { showCommand, type ShowOptions } from './show.js';
import { timelineCommand } from './timeline.js';
import { typesCommand } from './types.js';
import { addTypesOption, type TypesFlags } from './type-options.js';
import { validateCommand, type ValidateOptions } from './validate.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

tolerateClosedOutput(process.stdout);
tolerateClosedOutput(process.stderr);

/** An ExitCode, or the exit code of the command `nepi exec` ran. */
let code: number = ExitCode.OK;
const PARAM_FLAGS = '--param <name=value>';
const PARAM_HELP = "the value of the file's ${name} parameter; repeat for each parameter";
const collect = (value: string, previous: string[]): string[] => [...previous, value];
const program = new Command('nepi')
  .description('Describe, deploy, run and tear down network experiments.')
  .version(pkg.version, '-v, --version')
  .exitOverride()
  .showHelpAfterError()
  // `nepi -v` is the version; `nepi run FILE -v` is run's verbose
  .enablePositionalOptions();

program
  .command('run')
  .description('run an experiment file to its end, then release everything')
  .argument('<file>', 'experiment file (YAML or JSON)')
  .option('--local-dir <dir>', 'where run directories go', 'nepi-runs')
  .option('--exp-id <id>', "the experiment id (default: the file's expId)")
  .option('--json', 'print the state changes as NDJSON on stdout (progress and summary go to stderr)')
  .option('-q, --quiet', 'print nothing but the summary')
  .option('-v, --verbose', 'print every state change, condition record and failed try, one line each')
  .option('--ui', 'serve a live view of the run on 127.0.0.1 (kept served after the end until Ctrl-C)')
  .option('--port <n>', 'the port of the live view and inspector page (default: any free port)')
  .option('--ui-exit', 'with --ui or --inspect: stop serving when the run ends')
  .option('--inspect', 'show the run in the Stately inspector (https://stately.ai/inspect)')
  .option(PARAM_FLAGS, PARAM_HELP, collect, [])
  .action(async (file: string, options: RunOptions) => {
    code = await runCommand(file, options);
  });
// --runs, --sweep, --metric...: a campaign (docs/campaigns.md)
addCampaignRunOptions(program.commands.find((command) => command.name() === 'run')!);
defineCampaignCommands(program.command('campaign'), (c) => (code = c));

program
  .command('resume')
  .description('continue a run whose controller died (killed, power loss) from its run directory, to its end')
  .argument('<run-dir>', 'the run directory, <local-dir>/<exp-id>/<run-id>')
  .option('--json', 'print the state changes as NDJSON on stdout (progress and summary go to stderr)')
  .option('-q, --quiet', 'print nothing but the summary')
  .option('-v, --verbose', 'print every state change, condition record and failed try, one line each')
  .action(async (runDir: string, options: ResumeCommandOptions) => {
    code = await resumeCommand(runDir, options);
  });

program
  .command('validate')
  .description('check an experiment file without running anything')
  .argument('<file>', 'experiment file (YAML or JSON)')
  .option(PARAM_FLAGS, PARAM_HELP, collect, [])
  .option('--sweep <name=values>', "check the file with each of a parameter's comma-separated values; repeat for every combination", collect, [])
  .action(async (file: string, options: ValidateOptions) => {
    code = await validateCommand(file, options);
  });

addTypesOption(
  program
    .command('types')
    .description('list resource types with their attributes and traces (and those of types modules: --types, NEPI_TYPES_PATH)')
    .argument('[type]', 'only this type'),
).action(async (type: string | undefined, options: TypesFlags) => {
  code = await typesCommand(type, options);
});

program
  .command('show')
  .description('print the summary of a past run, or with --expanded an experiment file with its topologies expanded')
  .argument('[run-dir]', 'a run directory, <local-dir>/<exp-id>/<run-id>')
  .option('--expanded <file>', 'print this experiment file as it runs (parameters replaced, topologies expanded into resources) as YAML')
  .option(PARAM_FLAGS, `with --expanded: ${PARAM_HELP}`, collect, [])
  .action(async (runDir: string | undefined, options: ShowOptions) => {
    code = await showCommand(runDir, options);
  });

program
  .command('graph')
  .description("draw the experiment's resources, connections and conditions (Graphviz DOT, or SVG)")
  .argument('<file>', 'experiment file (YAML or JSON)')
  .option('-o, --output <file>', 'write to this file instead of stdout: .dot (or .gv) for DOT, .svg for SVG')
  .action(async (file: string, options: { output?: string } & TypesFlags) => {
    code = await graphCommand(file, options);
  });

program
  .command('plan')
  .description('predict when each resource deploys, starts and ends, on a virtual clock with stand-ins for every resource')
  .argument('<file>', 'experiment file (YAML or JSON)')
  .option('-o, --output <dir>', 'where the predicted timeline goes (default: <local-dir>/<exp-id>/plan)')
  .option('--local-dir <dir>', 'where run directories go', 'nepi-runs')
  .option('--exp-id <id>', "the experiment id (default: the file's expId)")
  .option('--json', 'print the plan as JSON')
  .option(PARAM_FLAGS, PARAM_HELP, collect, [])
  .option('--sweep <name=values>', "plan each of a parameter's comma-separated values, each into its own folder; repeat for every combination", collect, [])
  .action(async (file: string, options: PlanCommandOptions) => {
    code = await planCommand(file, options);
  });

program
  .command('timeline')
  .description("rebuild a run's timeline (timeline.html and timeline.svg) from its events.ndjson")
  .argument('<run-dir>', 'a run directory, <local-dir>/<exp-id>/<run-id>')
  .option('-o, --output <file>', 'write only this file (.html or .svg) instead of both into the run directory')
  .action(async (runDir: string, options: { output?: string }) => {
    code = await timelineCommand(runDir, options);
  });

program
  .command('clean')
  .description("remove what killed runs left behind: namespaces and links of a run directory, or all of nepi's")
  .argument('[run-dir]', 'a run directory: remove exactly what its ledger lists')
  .option('--all', 'remove everything nepi created on this machine (found by its names), and nothing else')
  .action(async (runDir: string | undefined, options: { all?: boolean }) => {
    code = await cleanCommand(runDir, options);
  });

const SSH_OPTION_HELP = 'an OpenSSH option (Key=value) for a node reached over SSH; repeatable';
program
  .command('exec')
  .description('run a command on a node of a running experiment (here, in its namespace, or over SSH); exits with its exit code')
  .argument('<run-dir>', 'the run directory of the running experiment')
  .argument('<node>', 'the node, by name')
  .argument('<command...>', 'the command: one argument is a command line for bash, more are quoted one by one (put -- before it)')
  .option('-t, --tty', 'give the command a terminal')
  .option('--ssh-option <key=value>', SSH_OPTION_HELP, collect, [])
  .action(async (runDir: string, node: string, command: string[], options: NodeCommandOptions) => {
    code = await execCommand(runDir, node, command, options);
  });

program
  .command('shell')
  .description('open an interactive shell on a node of a running experiment')
  .argument('<run-dir>', 'the run directory of the running experiment')
  .argument('<node>', 'the node, by name')
  .option('--ssh-option <key=value>', SSH_OPTION_HELP, collect, [])
  .action(async (runDir: string, node: string, options: NodeCommandOptions) => {
    code = await shellCommand(runDir, node, options);
  });

program
  .command('inspect')
  .description("print a run's resources and states, and each node's interfaces and addresses, read from the node while it runs")
  .argument('<run-dir>', 'a run directory, <local-dir>/<exp-id>/<run-id>')
  .option('--json', 'print it as JSON')
  .option('--ssh-option <key=value>', SSH_OPTION_HELP, collect, [])
  .action(async (runDir: string, options: { json?: boolean; sshOption?: string[] }) => {
    code = await inspectCommand(runDir, options);
  });

program
  .command('completion')
  .description('print a completion script for bash, zsh or fish: commands, options, resource types and files')
  .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
  .action((shell: Shell) => {
    process.stdout.write(
      completionScript(
        shell,
        program,
        defaultRegistry.list().map((type) => type.type),
      ),
    );
  });

// the commands that read experiment files load types modules too (docs/resource-types.md#types-modules)
for (const name of ['run', 'validate', 'plan', 'graph', 'show', 'resume']) addTypesOption(program.commands.find((command) => command.name() === name)!);

addExamples(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    code = error.exitCode === 0 ? ExitCode.OK : ExitCode.INVALID;
  } else if (error instanceof ExperimentFileError) {
    // each problem with the lines around it and a caret under its position
    process.stderr.write(`nepi: ${formatFileError(error, { color: useColor(process.stderr) })}\n`);
    code = ExitCode.INVALID;
  } else if (error instanceof NepiError) {
    process.stderr.write(`nepi: ${error.message}\n`);
    code = ExitCode.INVALID;
  } else {
    process.stderr.write(`nepi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    code = ExitCode.FAILED;
  }
}
process.exitCode = code;
