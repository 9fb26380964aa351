/**
 * Experiment files into experiment controllers: parse and check the file, register its
 * resources, connections and conditions, then validate the whole so that cycles and missing
 * connections are reported, with their place in the file, before anything runs.
 */
import { readFile } from 'node:fs/promises';
import { ConditionCycleError, NepiError } from '../errors.js';
import { ExperimentController, type ExperimentControllerOptions } from '../experiment/experiment-controller.js';
import { defaultRegistry } from '../resources/registry.js';
import { checkExperiment, type ExperimentFileDescription } from './check.js';
import { ExperimentFileError } from './experiment-file-error.js';
import { substituteParameters, type Parameters } from './parameters.js';
import { locateProblems, parseExperiment, throwIfAny, type ParsedExperiment } from './parse.js';
import { formatPath, type EntryPart, type PathSegment } from './paths.js';

/**
 * Controller options; `expId` overrides the file's. `parameters` are the values of the file's
 * `${name}` references (see docs/campaigns.md).
 */
export type LoadOptions = ExperimentControllerOptions & { readonly expId?: string; readonly parameters?: Parameters };

/**
 * Read the experiment file at `path` (YAML or JSON, whatever its extension) and build its
 * controller, validated: nothing is deployed. Throws an {@link ExperimentFileError} naming
 * the file, line, column and path of the first problem (and listing every problem the
 * file's structure has).
 */
export async function loadExperimentFile(path: string, options: LoadOptions = {}): Promise<ExperimentController> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ExperimentFileError({ file: path, path: '', problem: `cannot read: ${(error as Error).message}` }, {}, { cause: error });
  }
  return loadExperimentText(text, path, options);
}

/**
 * Build the controller of an experiment file's text, as {@link loadExperimentFile} does;
 * `file` is the name problems are reported with.
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
export function buildExperiment(description: ExperimentFileDescription, options: LoadOptions = {}): ExperimentController {
  const file = '<description>';
  let value: unknown = description;
  if (options.parameters !== undefined) {
    const substituted = substituteParameters(description, options.parameters);
    throwIfAny(locateProblems(substituted.problems, file));
    value = substituted.value;
  }
  const checked = checkExperiment(value, options.registry ?? defaultRegistry);
  throwIfAny(locateProblems(checked.problems, file));
  return build({ file, description: checked.description, locate: () => undefined }, options);
}

function build(parsed: ParsedExperiment, loadOptions: LoadOptions): ExperimentController {
  const { description } = parsed;
  const { parameters: _parameters, ...options } = loadOptions;
  const expId = options.expId ?? description.expId;
  const ec = new ExperimentController({ ...options, ...(expId === undefined ? {} : { expId }) });
  let at: { path: PathSegment[]; part: EntryPart } = { path: [], part: 'value' };
  try {
    const resources = Object.entries(description.resources);
    for (const [name, resource] of resources) {
      at = { path: ['resources', name], part: 'entry' };
      ec.registerResource(resource.type, resource.attributes ?? {}, { name });
    }
    for (const [name, resource] of resources) {
      resource.connect?.forEach((other, i) => {
        at = { path: ['resources', name, 'connect', i], part: 'value' };
        ec.registerConnection(name, other);
      });
    }
    for (const [name, resource] of resources) {
      resource.conditions?.forEach((condition, i) => {
        at = { path: ['resources', name, 'conditions', i], part: 'value' };
        ec.registerCondition(name, condition.action, condition.group, condition.state, condition.time, {
          ...(condition.timeout !== undefined ? { timeout: condition.timeout } : {}),
          ...(condition.onTimeout !== undefined ? { onTimeout: condition.onTimeout } : {}),
        });
      });
    }
    at = { path: [], part: 'value' };
    ec.validate();
  } catch (error) {
    ec.actor.stop();
    if (!(error instanceof NepiError)) throw error;
    // a cycle is found when its last condition is registered, or at validate(): either way
    // it is reported at its condition written first in the file
    if (at.path.length === 0 || error instanceof ConditionCycleError) at = blame(error, description) ?? at;
    // the resource the error is placed at, else the one the controller named
    const blamed = at.path[0] === 'resources' && typeof at.path[1] === 'string' ? at.path[1] : error.guid;
    const type = blamed === undefined ? error.type : (description.resources[blamed]?.type ?? error.type);
    throw new ExperimentFileError(
      { file: parsed.file, ...parsed.locate(at.path, at.part), path: formatPath(at.path), problem: error.message },
      { ...(blamed === undefined ? {} : { guid: blamed }), ...(type === undefined ? {} : { type }) },
      { cause: error },
    );
  }
  return ec;
}

/**
 * Where a validation error belongs: a cycle at its condition written first in the file (or
 * at its first resource when it goes through no condition), anything else at the resource
 * it names.
 */
function blame(error: NepiError, description: ExperimentFileDescription): { path: PathSegment[]; part: EntryPart } | undefined {
  if (error instanceof ConditionCycleError) {
    // the condition of the cycle written first in the file
    const names = Object.keys(description.resources);
    let first: { resource: number; index: number; guid: string } | undefined;
    for (const link of error.cycle) {
      if (link.why !== 'condition') continue;
      const index = (description.resources[link.guid]?.conditions ?? []).findIndex(
        (c) => c.action === link.action && c.state === link.state && c.group.includes(link.waitsFor),
      );
      const resource = names.indexOf(link.guid);
      if (index < 0 || resource < 0) continue;
      if (!first || resource < first.resource || (resource === first.resource && index < first.index)) {
        first = { resource, index, guid: link.guid };
      }
    }
    if (first) return { path: ['resources', first.guid, 'conditions', first.index], part: 'value' };
  }
  if (error.guid !== undefined && Object.hasOwn(description.resources, error.guid)) {
    return { path: ['resources', error.guid], part: 'entry' };
  }
  return undefined;
}
