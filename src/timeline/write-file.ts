/** Writing a report file (timeline, plan, graph) where the user asked, with errors that name the path. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { NepiError } from '../errors.js';

/** Write `text` to `path` through a temporary file beside it, so a reader never sees half of it. */
export function writeFileAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw cannotWrite(path, error);
  }
}

/** Create the folder `dir` (and its parents) unless it exists. */
export function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw cannotWrite(dir, error);
  }
}

/** The NepiError for a file or folder that cannot be written, from the system's error. */
export function cannotWrite(path: string, error: unknown): NepiError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'its folder does not exist'
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a file stands where a folder should be'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error);
  return new NepiError(`cannot write '${path}': ${why}`);
}
