/**
 * Running `ip` and `tc`. Every command runs to its end even when the step that asked for it
 * is aborted: a namespace half-created by a killed `ip` would escape the release.
 */
import { execFile, execFileSync } from 'node:child_process';
import type { ErrorContext } from '../../errors.js';
import { NetnsCommandError, NetnsUnavailableError } from './errors.js';

/** Run `command args...`; resolves with stdout, rejects with a NetnsCommandError holding stderr. */
export function run(command: string, args: readonly string[], context: ErrorContext = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new NetnsUnavailableError(`the netns backend needs '${command}' (Debian package iproute2), which is not installed`, context));
      }
      reject(new NetnsCommandError([command, ...args], stderr || error.message, context));
    });
  });
}

export const ip = (args: readonly string[], context: ErrorContext = {}) => run('ip', args, context);
export const tc = (args: readonly string[], context: ErrorContext = {}) => run('tc', args, context);

/** Synchronous variant for exit hooks; never throws. */
export function runSync(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** Throw a clear error unless this process may create network namespaces. */
export function assertRoot(context: ErrorContext & { guid: string; type: string }): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new NetnsUnavailableError(
      `resource '${context.guid}' (${context.type}) needs root to create network namespaces and links; run nepi as root (e.g. sudo)`,
      context,
    );
  }
}

/** Whether an error of `ip`/`tc` says that what it was asked to remove is already gone. */
export function isGone(error: unknown): boolean {
  return (
    error instanceof NetnsCommandError &&
    /Cannot find device|No such file or directory|Cannot open network namespace|No such process|does not exist|Invalid argument|RTNETLINK answers: No such/i.test(
      error.stderr,
    )
  );
}
