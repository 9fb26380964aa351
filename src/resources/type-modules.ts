/**
 * Types modules: JavaScript modules that hand nepi resource types of their own. A module's
 * default export is a resource type (made by `defineResourceType` or `extendResourceType`)
 * or a list of them:
 *
 *   export const Counter = defineResourceType({ type: 'demo::Counter', ... });
 *   export default [Counter];
 *
 * They are loaded into a copy of a registry, never into the registry itself: a run's types are
 * its own. A module that cannot be loaded, has no such default export, or registers a name
 * that is already taken is a {@link TypeModuleError} naming it and where it was named.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NepiError } from '../errors.js';
import { defaultRegistry, type TypeRegistry } from './registry.js';
import type { ResourceType } from './resource-type.js';

/** A types module to load, and where it was named. */
export interface TypeModuleSource {
  /** As written: a path (absolute, or relative to `from`) or a `file:` URL. */
  readonly module: string;
  /** The folder a relative path is resolved from. */
  readonly from: string;
  /** Where it was named, as messages start: `--types ./x.js`, `NEPI_TYPES_PATH folder /opt/types`, `exp.yaml:2:9: types[0]`. */
  readonly namedBy: string;
}

/** A types module that could not be loaded, exports no resource types, or registers a name already taken. */
export class TypeModuleError extends NepiError {
  /** The module as it was named. */
  readonly module: string;
  /** The file it resolved to. */
  readonly file: string;
  readonly namedBy: string;
  /** What is wrong, without where the module was named. */
  readonly problem: string;
  readonly source: TypeModuleSource;

  /** `source` is the module as it was named, `file` what it resolved to, `problem` what is wrong. */
  constructor(source: TypeModuleSource, file: string, problem: string, options?: { cause?: unknown; type?: string }) {
    super(`${source.namedBy}: ${problem}`, options?.type === undefined ? {} : { type: options.type }, { cause: options?.cause });
    this.module = source.module;
    this.file = file;
    this.namedBy = source.namedBy;
    this.problem = problem;
    this.source = source;
  }
}

/** The environment variable listing folders of types modules, as NEPI's NEPI_SEARCH_PATH does (`:`-separated). */
export const TYPES_PATH_VARIABLE = 'NEPI_TYPES_PATH';

/** What a types module file ends with. */
const MODULE_FILE = /\.m?js$/;

/**
 * The types modules of the folders `value` lists (`NEPI_TYPES_PATH`, separated by `:`, `;` on
 * Windows): every `.js` and `.mjs` file of each folder, by name, folders in order. A folder
 * relative to `cwd` is resolved from it; an empty entry is skipped. A folder that cannot be
 * read is a {@link TypeModuleError}.
 */
export function typeModulesOnPath(value: string | undefined, cwd: string = process.cwd()): TypeModuleSource[] {
  const sources: TypeModuleSource[] = [];
  for (const entry of (value ?? '').split(delimiter)) {
    if (entry.trim() === '') continue;
    const folder = resolve(cwd, entry);
    const namedBy = `${TYPES_PATH_VARIABLE} folder ${entry}`;
    let names: string[];
    try {
      if (!statSync(folder).isDirectory()) throw new Error('not a folder');
      names = readdirSync(folder);
    } catch (error) {
      throw new TypeModuleError({ module: entry, from: cwd, namedBy }, folder, `cannot read folder ${folder}: ${(error as Error).message}`, { cause: error });
    }
    for (const name of names.filter((n) => MODULE_FILE.test(n) && !n.startsWith('.')).sort()) {
      sources.push({ module: join(folder, name), from: folder, namedBy: `${namedBy}: ${name}` });
    }
  }
  return sources;
}

/** The file a source names. */
export function typeModuleFile(source: TypeModuleSource): string {
  return source.module.startsWith('file:') ? fileURLToPath(source.module) : isAbsolute(source.module) ? source.module : resolve(source.from, source.module);
}

/**
 * `registry` (default: the built-in one) with the types of every module of `sources`, in
 * order: a copy of it, or `registry` itself when there is nothing new to load (no source, or
 * only modules already loaded into it). The same module named twice is loaded once.
 */
export async function loadTypeModules(sources: readonly TypeModuleSource[], registry: TypeRegistry = defaultRegistry): Promise<TypeRegistry> {
  let result = registry;
  for (const source of sources) {
    const file = typeModuleFile(source);
    const url = pathToFileURL(file).href;
    if (result.hasModule(url)) continue;
    const types = typesOf(source, file, await importModule(source, file, url));
    if (result === registry) result = registry.copy();
    for (const type of types) {
      if (result.has(type.type)) {
        const other = result.moduleOf(type.type);
        const by = other === undefined ? 'a built-in type (or one registered by code)' : `types module ${fileURLToPath(other)}`;
        throw new TypeModuleError(source, file, `${moduleName(source, file)} registers '${type.type}', a name already taken by ${by}`, {
          type: type.type,
        });
      }
      result.register(type, { module: url });
    }
  }
  return result;
}

/** `types module './x.js' (/abs/x.js)`: as named, and the file when that says more. */
function moduleName(source: TypeModuleSource, file: string): string {
  return `types module '${source.module}'${source.module === file ? '' : ` (${file})`}`;
}

async function importModule(source: TypeModuleSource, file: string, url: string): Promise<Record<string, unknown>> {
  const named = moduleName(source, file);
  if (!existsSync(file)) throw new TypeModuleError(source, file, `${named} cannot be loaded: no such file`);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const hint = /\.[mc]?ts$/.test(file) ? ' (a TypeScript module must be compiled to JavaScript first)' : '';
    throw new TypeModuleError(source, file, `${named} cannot be loaded: ${describeThrown(error, url)}${hint}`, { cause: error });
  }
}

/** `SyntaxError: Unexpected token ';'`, with the place in the module it was thrown at when the stack has it. */
function describeThrown(error: unknown, url: string): string {
  if (!(error instanceof Error)) return `it threw ${String(error)}`;
  const at = error.stack?.split('\n').find((line) => line.includes(url));
  const where = at === undefined ? '' : ` (${at.trim().replace(/^at /, 'at ')})`;
  return `${error.name}: ${error.message}${where}`;
}

/** The resource types a loaded module exports: its default export, one type or a list of them. */
function typesOf(source: TypeModuleSource, file: string, namespace: Record<string, unknown>): ResourceType[] {
  const named = moduleName(source, file);
  const expected = 'expected `export default [MyType, ...]` of types made by defineResourceType';
  if (!Object.hasOwn(namespace, 'default') || namespace['default'] === undefined) {
    const names = Object.keys(namespace);
    const has = names.length === 0 ? 'exports nothing' : `has no default export (it exports ${names.join(', ')})`;
    throw new TypeModuleError(source, file, `${named} ${has}: ${expected}`);
  }
  const exported = namespace['default'];
  const list: unknown[] = Array.isArray(exported) ? exported : [exported];
  if (list.length === 0) throw new TypeModuleError(source, file, `${named} exports an empty list: ${expected}`);
  list.forEach((value, i) => {
    if (!isResourceType(value)) {
      const which = Array.isArray(exported) ? `its default export's entry ${i}` : 'its default export';
      throw new TypeModuleError(source, file, `${named}: ${which} is ${describeValue(value)}, not a resource type: ${expected}`);
    }
  });
  const seen = new Set<string>();
  for (const type of list as ResourceType[]) {
    if (seen.has(type.type)) throw new TypeModuleError(source, file, `${named} exports two types named '${type.type}'`, { type: type.type });
    seen.add(type.type);
  }
  return list as ResourceType[];
}

/**
 * Whether `value` is what `defineResourceType` returns. Checked by its shape, not by identity:
 * a module may import `nepi` from another copy of the package than the command's.
 */
export function isResourceType(value: unknown): value is ResourceType {
  if (typeof value !== 'object' || value === null) return false;
  const type = value as Partial<Record<keyof ResourceType, unknown>>;
  return (
    typeof type.type === 'string' &&
    typeof type.help === 'string' &&
    typeof type.attributes === 'object' &&
    type.attributes !== null &&
    Object.hasOwn(type.attributes, 'critical') &&
    typeof type.steps === 'object' &&
    typeof type.connectsTo === 'object' &&
    Array.isArray(type.dependsOn) &&
    Object.isFrozen(value)
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'string' ? `'${value}'` : String(value)} (a ${typeof value})`;
}
