/** `nepi types [TYPE]`: the resource types, their attributes and traces (with those of types modules, and where each came from). */
import { ExitCode } from './exit-codes.js';
import { formatType } from './format.js';
import { commandRegistry, type TypesFlags } from './type-options.js';

export async function typesCommand(name: string | undefined, flags: TypesFlags = {}): Promise<ExitCode> {
  const registry = await commandRegistry(flags);
  const types = name === undefined ? registry.list() : [registry.get(name)];
  process.stdout.write(`${types.map((type) => formatType(type, registry.moduleOf(type.type))).join('\n\n')}\n`);
  return ExitCode.OK;
}
