/**
 * Names that become folders of the run directory: the experiment's `expId`
 * (`<localDir>/<expId>/<runId>`) and each resource's name (`<runDir>/<guid>/`, where its
 * traces go). Such a name cannot hold a path separator or a control character (NUL cannot
 * be in a path at all), nor be `.` or `..`: it would land outside its folder.
 */

/** Why `name` cannot name a folder, or undefined when it can. */
export function folderNameProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return `'${name}' cannot name a folder`;
  if (/[/\\]/.test(name)) return `'${name}' cannot name a folder: it holds a path separator`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `${JSON.stringify(name)} cannot name a folder: it holds a control character`;
  return undefined;
}

/** The JSON Schema pattern of such names. */
export const FOLDER_NAME_PATTERN = '^(?!\\.\\.?$)[^/\\\\\\u0000-\\u001f\\u007f]+$';
