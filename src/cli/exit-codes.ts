/** The exit codes of `nepi`, as docs/cli.md states them. */
export const ExitCode = {
  /** The command did what it was asked; for `run`, no critical resource failed. */
  OK: 0,
  /** The experiment failed: a critical resource failed and the run was aborted. */
  FAILED: 1,
  /** Invalid input or usage: a bad file, an unknown type, a missing argument. */
  INVALID: 2,
  /** Interrupted by SIGINT or SIGTERM; everything was released first. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
