/**
 * Whether to colour what goes to a stream: never with `NO_COLOR` set (https://no-color.org),
 * always with `FORCE_COLOR` set to anything but `0`/`false`, else only on a terminal.
 */
export function useColor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}
