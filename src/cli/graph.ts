/** `nepi graph FILE [-o FILE.dot|.svg]`: the experiment's resources, connections and conditions as a graph. */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { NepiError } from '../errors.js';
import { loadExperimentFile } from '../files/load.js';
import { parseExperiment } from '../files/parse.js';
import { experimentToDot } from '../graph/dot.js';
import { dotToSvg } from '../graph/svg.js';
import { writeFileAtomically } from '../timeline/write-file.js';
import { ExitCode } from './exit-codes.js';
import { commandRegistry, type TypesFlags } from './type-options.js';

export async function graphCommand(file: string, options: { output?: string } & TypesFlags): Promise<ExitCode> {
  const format = options.output === undefined ? 'dot' : extname(options.output).toLowerCase().slice(1);
  if (format !== 'dot' && format !== 'gv' && format !== 'svg') {
    throw new NepiError(`cannot write a graph to '${options.output}': expected a file name ending in .dot, .gv or .svg`);
  }
  const ec = await loadExperimentFile(file, { record: false, registry: await commandRegistry(options) });
  const { registry } = ec;
  const description = ec.describe();
  await ec.shutdown();
  // a file without expId is drawn under its own name, as `plan` does, not a new made-up one each time
  const { description: parsed } = parseExperiment(await readFile(file, 'utf8'), { file, registry });
  const expId = parsed.expId ?? (basename(file, extname(file)) || description.expId);
  const dot = experimentToDot({ ...description, expId }, { registry });
  const text = format === 'svg' ? await dotToSvg(dot) : dot;
  if (options.output === undefined) process.stdout.write(text);
  else writeFileAtomically(options.output, text);
  return ExitCode.OK;
}
