/**
 * Experiment files into experiment controllers: parse and check the file (parse.ts), build
 * its controller from the description (`ExperimentController.fromDescription`, which
 * registers and validates everything), and place whatever is wrong at its line and column.
 */
import { readFile } from 'node:fs/promises';
import { type NepiError } from '../errors.js';
import { checkExperiment } from '../experiment/check-description.js';
import type { ExperimentFileDescription } from '../experiment/description.js';
import { DescriptionError } from '../experiment/description-path.js';
import { ExperimentController, type ExperimentControllerOptions } from '../experiment/experiment-controller.js';
import { defaultRegistry } from '../resources/registry.js';
import { ExperimentFileError } from './experiment-file-error.js';
import { loadFileTypes } from './file-types.js';
import { substituteParameters, type Parameters } from './parameters.js';
import { locateProblems, parseExperiment, throwIfAny, type ParsedExperiment } from './parse.js';
import { formatPath } from './paths.js';
import { expandTopologies, originsOf, placeAllInFile, placeInFile, type TopologyDescription } from './topologies.js';

/**
 * Controller options; `expId` overrides the file's. `parameters` are the values of the file's
 * `${name}` references (see docs/campaigns.md).
 */
export type LoadOptions = ExperimentControllerOptions & { readonly expId?: string; readonly parameters?: Parameters };

/**
 * Read the experiment file at `path` (YAML or JSON, whatever its extension) and build its
 * controller, validated: nothing is deployed. The types modules its `types` key names are
 * loaded first, into a copy of `options.registry` (default: the built-in one) that the
 * controller then uses (see file-types.ts). Throws an {@link ExperimentFileError} naming the
 * file, line, column and path of the first problem (and listing every problem the file's
 * structure has).
 */
export async function loadExperimentFile(path: string, options: LoadOptions = {}): Promise<ExperimentController> {
  const text = await readExperimentFile(path);
  const registry = await loadFileTypes(text, path, options.registry ? { registry: options.registry } : {});
  return loadExperimentText(text, path, { ...options, registry });
}

/** The text of the experiment file at `path`; one that cannot be read is an {@link ExperimentFileError}. */
export async function readExperimentFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ExperimentFileError({ file: path, path: '', problem: `cannot read: ${(error as Error).message}` }, {}, { cause: error });
  }
}

/**
 * Build the controller of an experiment file's text, as {@link loadExperimentFile} does;
 * `file` is the name problems are reported with. The modules of its `types` key are not
 * loaded here: `options.registry` must hold their types (see {@link loadFileTypes}).
 */
export function loadExperimentText(text: string, file: string, options: LoadOptions = {}): ExperimentController {
  const parsed = parseExperiment(text, {
    file,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.parameters ? { parameters: options.parameters } : {}),
  });
  return build(parsed, options);
}

/**
 * Build and validate the controller of an experiment held in memory (e.g. another
 * controller's `describe()`), checked as a file would be. Problems are reported as
 * {@link ExperimentFileError}s whose file is `<description>` and which have no line.
 */
export function buildExperiment(
  description: ExperimentFileDescription & { readonly topologies?: readonly TopologyDescription[] },
  options: LoadOptions = {},
): ExperimentController {
  const file = '<description>';
  let value: unknown = description;
  if (options.parameters !== undefined) {
    const substituted = substituteParameters(description, options.parameters);
    throwIfAny(locateProblems(substituted.problems, file));
    value = substituted.value;
  }
  const expansion = expandTopologies(value);
  const checked = checkExperiment(expansion.value, options.registry ?? defaultRegistry);
  throwIfAny(
    locateProblems(expansion.complete ? [...expansion.problems, ...placeAllInFile(checked.problems, expansion.topologies)] : expansion.problems, file),
  );
  return build({ file, description: checked.description, locate: () => undefined, topologies: expansion.topologies }, options);
}

function build(parsed: ParsedExperiment, loadOptions: LoadOptions): ExperimentController {
  const { parameters: _parameters, ...options } = loadOptions;
  try {
    return ExperimentController.fromDescription(parsed.description, options);
  } catch (error) {
    if (!(error instanceof DescriptionError)) throw error;
    const cause = error.cause as NepiError;
    // a problem of a resource a topology made is at its template
    const at = placeInFile(error, originsOf(parsed.topologies ?? []));
    throw new ExperimentFileError(
      { file: parsed.file, ...parsed.locate(at.path, at.part), path: formatPath(at.path), problem: error.message },
      { ...(error.guid === undefined ? {} : { guid: error.guid }), ...(error.type === undefined ? {} : { type: error.type }) },
      { cause },
    );
  }
}
