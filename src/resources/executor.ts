/**
 * Executors: how commands run on a node. A node type provides one (`node.executor` in its
 * definition): `linux::Node` on this host or over SSH, `netns::Node` inside its namespace, a
 * type of one's own anywhere else. Application types ask the node they run on for it
 * (`ctx.node().executor`) and hand it what to run; they never know where that is.
 *
 * Every method takes the step context of the application it acts for; an executor keeps what
 * it needs between steps in that application's `ctx.data` (or in its node's session).
 */
import type { StepName } from '../../machines/lifecycle.js';
import type { ReattachOutcome } from './resource-type.js';
import type { ProbeContext, StepContext } from './views.js';

/** What to run, as an application's attributes say. */
export interface Launch {
  /** Run by `bash -c`; `${RUN_DIR}` and `${APP_DIR}` are replaced by the run's and the application's folders where it runs. */
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string | undefined;
  /** The working directory (default: the application's folder where it runs). */
  readonly workdir: string | undefined;
}

/** What a resumed controller recorded of an application, for `reattach`. */
export interface RecordedState {
  readonly state: string;
  readonly step?: StepName;
  readonly times?: Readonly<Partial<Record<string, number>>>;
}

/** How commands run on a node (this host, over SSH, in a namespace): what application types ask their node for. */
export interface Executor {
  /** Where commands run, for messages: `this host`, `user@host:22`, `namespace nepi-1a2b3c4d-h1`. */
  readonly where: string;
  /** Copy `files` (local paths) into the application's folder where it runs. */
  upload(app: StepContext, files: readonly string[]): Promise<void>;
  /** Run each of `commands` once per node (the first application to need one runs it; the others wait for it). */
  depends(app: StepContext, commands: readonly string[]): Promise<void>;
  /** Launch the command; resolves once it runs. Its stdout and stderr go to the application's traces. */
  start(app: StepContext, launch: Launch): Promise<void>;
  /** Resolves when the command exited 0; rejects with its exit code or signal and the end of its stderr. */
  run(app: StepContext): Promise<void>;
  /** SIGTERM to its process group, SIGKILL after the application's `stopTimeout`. */
  stop(app: StepContext): Promise<void>;
  /** Kill whatever of it still runs, bring its traces home, remove what was made for it. */
  release(app: StepContext): Promise<void>;
  /** After release: what of it is still there (a process, a folder); empty means clean. */
  probe(app: ProbeContext): Promise<string[]> | string[];
  /** On resume: find again the process the run directory recorded for it. */
  reattach(app: StepContext, recorded: RecordedState): Promise<ReattachOutcome>;
}
