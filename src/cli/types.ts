/** `nepi types [TYPE]`: the resource types, their attributes and traces. */
import { defaultRegistry } from '../resources/registry.js';
import { ExitCode } from './exit-codes.js';
import { formatType } from './format.js';

export function typesCommand(name?: string): ExitCode {
  const types = name === undefined ? defaultRegistry.list() : [defaultRegistry.get(name)];
  process.stdout.write(`${types.map(formatType).join('\n\n')}\n`);
  return ExitCode.OK;
}
