/** The options and answers of `ExperimentController` (experiment-controller.ts). */
import { resolve } from 'node:path';
import { customAlphabet } from 'nanoid';
import type { InspectionEvent, Observer } from 'xstate';
import type { Clock } from '../../machines/clock.js';
import type { ResourceState } from '../../machines/lifecycle.js';
import type { AttributeChangeRecord, ResourceContext } from '../../machines/resource.js';
import { NepiError } from '../errors.js';
import type { TypeRegistry } from '../resources/registry.js';
import { folderNameProblem } from '../run/folder-name.js';
import type { ExperimentController } from './experiment-controller.js';

/** Options of `new ExperimentController(options)`. */
export interface ExperimentControllerOptions {
  /** The experiment's name; a run directory lives under `<localDir>/<expId>/<runId>/`. */
  readonly expId?: string;
  readonly localDir?: string;
  /** Every timer of the engine and of the dummy backend; a VirtualClock runs in virtual time. */
  readonly clock?: Clock;
  /** An XState inspection observer: the controller, every resource actor and the backends' actors appear in it. */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Where resource types are looked up by name (default: the built-in registry). */
  readonly registry?: TypeRegistry;
  /**
   * Whether to record the run in its run directory: experiment.json, events.ndjson and
   * summary.json (default true). Traces that resources write (an application's stdout) go to
   * the run directory either way.
   */
  readonly record?: boolean;
  /** The run id (default: a new one). Resume continues a run in its own run directory. */
  readonly runId?: string;
  /** @internal Used by resume: when the run began (summary.json's `startedAt`; default: now). */
  readonly startedAt?: Date;
}

/** Options of `ec.deploy(guids, options)`. */
export interface DeployOptions {
  /** The deployment group (new by default); a group starts once all its members are READY. */
  readonly group?: string;
  /** Whether members wait for the whole group to be READY before starting (default true). */
  readonly waitAllReady?: boolean;
  /** Whether members start (and stop, if they have STOP conditions) on their own (default true). */
  readonly autoStart?: boolean;
}

/** Options of `ExperimentController.resume(runDir, options)`. */
export interface ResumeOptions {
  /** The clock the resumed run goes on with (default: the real clock, as recorded times are). */
  readonly clock?: Clock;
  readonly registry?: TypeRegistry;
  /** An XState inspection observer, as in {@link ExperimentControllerOptions.inspect}. */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Called with the controller once it is built and its resources were found again, before
   * they go on: listen to it here (`ec.onStateChange`) to see what happens at the resume
   * itself (an end found by reattach, a delay that ended while no controller ran).
   */
  readonly beforeResume?: (ec: ExperimentController) => void;
}

/** What `ec.getResource(guid)` answers: a resource's type, state, state times and failure. */
export interface ResourceInfo {
  readonly guid: string;
  readonly type: string;
  readonly state: ResourceState;
  /** When each state was first entered (clock milliseconds). */
  readonly times: Partial<Record<ResourceState, number>>;
  readonly error?: unknown;
  readonly step?: string;
  /** The runtime attribute changes applied while it was STARTED (`ec.set`, SET conditions), in order; absent when none was. */
  readonly changes?: readonly AttributeChangeRecord[];
}

/** What `ec.getResource` answers, from the resource actor's context. */
export function resourceInfo(guid: string, context: ResourceContext): ResourceInfo {
  return {
    guid,
    type: context.type,
    state: context.state,
    times: { ...context.times },
    ...(context.error !== undefined ? { error: context.error, step: context.failedStep } : {}),
    ...(context.changes ? { changes: [...context.changes] } : {}),
  };
}

/** `running` until shutdown; then `released`, or `aborted` (a critical failure) or `interrupted` (stopped early from outside). */
export type ExperimentStatus = 'running' | 'aborted' | 'interrupted' | 'released';

const shortId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 8);

/** The names of a run and where its files go (`runDir`, absolute: commands run in their own folders and must find it). */
export function runIdentity(options: ExperimentControllerOptions): { expId: string; runId: string; localDir: string; runDir: string } {
  const expId = options.expId ?? `exp-${shortId()}`;
  const badExpId = folderNameProblem(expId);
  if (badExpId !== undefined) throw new NepiError(`invalid expId: ${badExpId}; the run directory is <localDir>/<expId>/<runId>`);
  const runId = options.runId ?? `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${shortId()}`;
  const localDir = options.localDir ?? 'nepi-runs';
  return { expId, runId, localDir, runDir: resolve(localDir, expId, runId) };
}
