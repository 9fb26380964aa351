/** `nepi graph FILE [-o FILE.dot|.svg]`: the experiment's resources, connections and conditions as a graph. */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { NepiError } from '../errors.js';
import { loadExperimentFile } from '../files/load.js';
import { experimentToDot } from '../graph/dot.js';
import { dotToSvg } from '../graph/svg.js';
import { defaultRegistry } from '../resources/registry.js';
import { ExitCode } from './exit-codes.js';

export async function graphCommand(file: string, options: { output?: string }): Promise<ExitCode> {
  const format = options.output === undefined ? 'dot' : extname(options.output).toLowerCase().slice(1);
  if (format !== 'dot' && format !== 'gv' && format !== 'svg') {
    throw new NepiError(`cannot write a graph to '${options.output}': expected a file name ending in .dot, .gv or .svg`);
  }
  const ec = await loadExperimentFile(file, { record: false });
  const description = ec.describe();
  await ec.shutdown();
  const dot = experimentToDot(description, { registry: defaultRegistry });
  const text = format === 'svg' ? await dotToSvg(dot) : dot;
  if (options.output === undefined) process.stdout.write(text);
  else await writeFile(options.output, text);
  return ExitCode.OK;
}
