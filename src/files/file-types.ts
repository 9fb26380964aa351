/**
 * The `types` key of an experiment file: the types modules whose resource types its resources
 * use (`types: [./my-types.js]`, paths relative to the file's folder). They are loaded before
 * the rest of the file is checked, since the check looks every resource's type up; a module
 * that fails is a problem of the file, at its entry.
 */
import { dirname } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { loadTypeModules, TypeModuleError, type TypeModuleSource } from '../resources/type-modules.js';
import { ExperimentFileError, type ExperimentFileProblem } from './experiment-file-error.js';

/** A module the file names, and where. */
interface NamedModule {
  readonly source: TypeModuleSource;
  readonly place: Omit<ExperimentFileProblem, 'problem'>;
}

/**
 * The types modules the `types` key of an experiment file's text names, resolved from `from`
 * (default: the file's folder). What is not a list of strings is left to the file's check,
 * which reports it; a `${parameter}` in a module name is an {@link ExperimentFileError}.
 */
export function typeModulesOfFile(text: string, file: string, from: string = dirname(file)): TypeModuleSource[] {
  return namedModules(text, file, from).map((named) => named.source);
}

function namedModules(text: string, file: string, from: string): NamedModule[] {
  // most files have no `types`: they are not parsed twice
  if (!text.includes('types')) return [];
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // a broken file: parseExperiment says what is wrong with it
  if (document.errors.length > 0 || !isMap(document.contents)) return [];
  const pair = document.contents.items.find((item) => isScalar(item.key) && item.key.value === 'types');
  if (!pair || !isSeq(pair.value)) return [];
  const named: NamedModule[] = [];
  pair.value.items.forEach((item, i) => {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') return;
    const { line, col } = lineCounter.linePos(item.range?.[0] ?? 0);
    const place = { file, line, column: col, path: `types[${i}]` };
    if (item.value.includes('${')) {
      throw new ExperimentFileError({ ...place, problem: `'${item.value}': a types module is named by a path, without \${parameters}` });
    }
    named.push({ source: { module: item.value, from, namedBy: `${file}:${line}:${col}: types[${i}]` }, place });
  });
  return named;
}

/** Options of {@link loadFileTypes}. */
export interface FileTypesOptions {
  /** The registry the modules' types are added to (a copy of it; default: the built-in registry). */
  readonly registry?: TypeRegistry;
  /** The folder the file's module paths are resolved from (default: the file's folder). */
  readonly from?: string;
}

/**
 * The registry the resources of an experiment file are looked up in: `options.registry` with
 * the types of the modules its `types` key names (see loadTypeModules: a copy, or the registry
 * itself when the file names none, or only modules already in it). A module that fails to load,
 * exports no resource types or registers a name already taken is an
 * {@link ExperimentFileError} at its entry of `types`.
 */
export async function loadFileTypes(text: string, file: string, options: FileTypesOptions = {}): Promise<TypeRegistry> {
  const registry = options.registry ?? defaultRegistry;
  const named = namedModules(text, file, options.from ?? dirname(file));
  if (named.length === 0) return registry;
  try {
    return await loadTypeModules(
      named.map((n) => n.source),
      registry,
    );
  } catch (error) {
    const at = error instanceof TypeModuleError ? named.find((n) => n.source === error.source) : undefined;
    if (at === undefined) throw error;
    const failed = error as TypeModuleError;
    throw new ExperimentFileError({ ...at.place, problem: failed.problem }, failed.type === undefined ? {} : { type: failed.type }, { cause: error });
  }
}
