/**
 * `--types MODULE` and `NEPI_TYPES_PATH`: the types modules a command loads besides those its
 * experiment file names (see docs/cli.md#types-of-your-own-types-modules).
 */
import type { Command } from 'commander';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import type { ResultSpec } from '../resources/resource-type.js';
import { loadTypeModules, typeModulesOnPath, TYPES_PATH_VARIABLE, type TypeModuleSource } from '../resources/type-modules.js';

/** What commander hands over for `--types`. */
export interface TypesFlags {
  /** The types modules named on the command line, as given (relative to the cwd). */
  readonly types?: string[];
}

/** Add `--types <module>` (repeatable) to `command`. */
export function addTypesOption(command: Command): Command {
  return command.option(
    '--types <module>',
    `a types module to load: a JavaScript file whose default export is resource types; repeatable (see also ${TYPES_PATH_VARIABLE})`,
    (value: string, previous: string[]) => [...previous, value],
    [],
  );
}

/** The modules of `NEPI_TYPES_PATH`'s folders, then those of `--types`, resolved from `cwd`. */
export function commandTypeModules(flags: TypesFlags, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): TypeModuleSource[] {
  return [...typeModulesOnPath(env[TYPES_PATH_VARIABLE], cwd), ...(flags.types ?? []).map((module) => ({ module, from: cwd, namedBy: `--types ${module}` }))];
}

/** The built-in types with those of the command's types modules: a registry of this command's own. */
export function commandRegistry(flags: TypesFlags, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<TypeRegistry> {
  return loadTypeModules(commandTypeModules(flags, env, cwd), defaultRegistry);
}

/** The results the types of `registry` declare, for the summary's units. */
export function resultSpecsOf(registry: TypeRegistry): (type: string) => Readonly<Record<string, ResultSpec>> | undefined {
  return (type) => (registry.has(type) ? registry.get(type).results : undefined);
}
