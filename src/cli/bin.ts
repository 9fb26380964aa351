#!/usr/bin/env node
/** The `nepi` command: parses arguments, calls the library, prints, and exits with a documented code. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import '../index.js';
import { NepiError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { runCommand } from './run.js';
import { showCommand } from './show.js';
import { typesCommand } from './types.js';
import { validateCommand } from './validate.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

let code: ExitCode = ExitCode.OK;
const program = new Command('nepi')
  .description('Describe, deploy, run and tear down network experiments.')
  .version(pkg.version, '-v, --version')
  .exitOverride()
  .showHelpAfterError();

program
  .command('run')
  .description('run an experiment file to its end, then release everything')
  .argument('<file>', 'experiment file (YAML or JSON)')
  .option('--local-dir <dir>', 'where run directories go', 'nepi-runs')
  .option('--exp-id <id>', "the experiment id (default: the file's expId)")
  .option('--json', 'print the state changes as NDJSON on stdout (progress and summary go to stderr)')
  .action(async (file: string, options: { localDir?: string; expId?: string; json?: boolean }) => {
    code = await runCommand(file, options);
  });

program
  .command('validate')
  .description('check an experiment file without running anything')
  .argument('<file>', 'experiment file (YAML or JSON)')
  .action(async (file: string) => {
    code = await validateCommand(file);
  });

program
  .command('types')
  .description('list resource types with their attributes and traces')
  .argument('[type]', 'only this type')
  .action((type?: string) => {
    code = typesCommand(type);
  });

program
  .command('show')
  .description('print the summary of a past run')
  .argument('<run-dir>', 'a run directory, <local-dir>/<exp-id>/<run-id>')
  .action(async (runDir: string) => {
    code = await showCommand(runDir);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    code = error.exitCode === 0 ? ExitCode.OK : ExitCode.INVALID;
  } else if (error instanceof NepiError) {
    process.stderr.write(`nepi: ${error.message}\n`);
    code = ExitCode.INVALID;
  } else {
    process.stderr.write(`nepi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    code = ExitCode.FAILED;
  }
}
process.exitCode = code;
