/**
 * Where a `linux::Application` runs: on this host (`local-executor.ts`) or on a remote host
 * over SSH (`../ssh/remote-executor.ts`). The type's steps choose one by the node the
 * application is connected to, and hand it the same launch description.
 */
import type { StepName } from '../../../machines/lifecycle.js';
import type { ProbeContext, ReattachOutcome, StepContext } from '../../resources/resource-type.js';

/** What to run, as the application's attributes say. */
export interface Launch {
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string | undefined;
  readonly workdir: string | undefined;
  /** Argv put before the wrapper (e.g. `ip netns exec <ns>`); local only. */
  readonly prefix: readonly string[];
}

export interface AppExecutor {
  /** Copy `files` (local paths) into the application's folder where it runs. */
  upload(ctx: StepContext, files: readonly string[]): Promise<void>;
  /** Run each of `commands` once per node (the first application to need it runs it). */
  depends(ctx: StepContext, commands: readonly string[]): Promise<void>;
  start(ctx: StepContext, launch: Launch): Promise<void>;
  run(ctx: StepContext): Promise<void>;
  stop(ctx: StepContext): Promise<void>;
  release(ctx: StepContext): Promise<void>;
  probe(resource: ProbeContext): Promise<string[]> | string[];
  reattach(ctx: StepContext, recorded: { readonly state: string; readonly step?: StepName }): Promise<ReattachOutcome>;
}

/** `${RUN_DIR}` and `${APP_DIR}` in a command, replaced by the run's and the application's folders. */
export function substitute(command: string, dirs: { runDir: string; appDir: string }): string {
  return command.replaceAll('${RUN_DIR}', dirs.runDir).replaceAll('${APP_DIR}', dirs.appDir);
}

/** A list attribute written as one string: items separated by newlines (or commas, for `files`). */
export function splitList(value: string | undefined, separators: RegExp): string[] {
  if (value === undefined) return [];
  return value
    .split(separators)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export const STDERR_TAIL_LINES = 5;

/** The last lines of a stderr text, for an error message. */
export function tailLines(text: string): string {
  return text.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}
