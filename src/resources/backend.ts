/**
 * Backends: what a family of resource types shares. A backend is declared once with
 * `defineBackend`; its types name it (`defineResourceType({ backend, ... })`). For each
 * experiment that uses one of its types, the engine opens the backend's session the first
 * time a resource of it needs it (`ctx.session`), hands the same session to every step of
 * that experiment's resources of the backend, and disposes of it when the experiment shuts
 * down (after an abort, an interruption or a failed deploy too). Two experiments never share
 * a session: whatever a backend keeps while an experiment runs (connections, a simulator
 * process, the subnets its links took) lives in its session, never in module state.
 *
 * A backend may also bring cleaners: what `nepi clean` runs to remove what a run left behind
 * when its controller could not release it (SIGKILL, a power cut).
 */
import { NepiError } from '../errors.js';
import type { ExperimentView } from './views.js';

/** What a backend keeps for one experiment. */
export interface BackendSession {
  /**
   * Give back what the session still holds (a connection, a process). Called once, when the
   * experiment shuts down, after every resource was released; a session opened by a resume
   * is disposed of in the same way.
   */
  dispose?(): void | Promise<void>;
}

/** What a {@link Cleaner} removed, and what it could not. */
export interface CleanReport {
  /** One line per thing removed, e.g. `network namespace nepi-1a2b3c4d-node1`. */
  readonly removed: readonly string[];
  /** What could not be removed, and why. */
  readonly problems: readonly string[];
}

/**
 * What `nepi clean` calls to remove what a run left behind. A cleaner finds what to remove
 * from the run directory (its ledger, `src/backends/ledger.ts`, or the records the backend's
 * steps wrote) or, for `--all`, by the names it gives what it creates, and removes only that.
 */
export interface Cleaner {
  /** The name its reports go under, e.g. `netns`. */
  readonly backend: string;
  /** Remove what the run in `runDir` created and left behind. */
  cleanRun(runDir: string): Promise<CleanReport>;
  /** Remove everything this backend created on this machine, found by its naming, and nothing else. */
  cleanAll(): Promise<CleanReport>;
}

/** What {@link defineBackend} takes: a name, how to open a session for one experiment, and cleaners. */
export interface BackendDefinition<S extends BackendSession = BackendSession> {
  /** Its name, e.g. `netns`; by convention the namespace of its types (`netns::Node`). */
  readonly name: string;
  /**
   * Open the session of one experiment. Called at most once per experiment, the first time
   * one of its resources asks for `ctx.session`; `experiment` stays valid (and current) for
   * the session's whole life. Without `open`, the session is `undefined`.
   */
  readonly open?: (experiment: ExperimentView) => S;
  /** What `nepi clean` runs for this backend. */
  readonly cleaners?: readonly Cleaner[];
}

/** A backend made by {@link defineBackend}; resource types name it as their `backend`. */
export interface Backend<S extends BackendSession = BackendSession> extends BackendDefinition<S> {
  /** Brand: made by defineBackend. */
  readonly kind: 'backend';
}

const NAME = /^[A-Za-z][\w-]*$/;

/** Declare a backend (see the module comment). */
export function defineBackend<S extends BackendSession = BackendSession>(definition: BackendDefinition<S>): Backend<S> {
  if (!NAME.test(definition.name)) {
    throw new NepiError(`invalid backend name '${definition.name}': expected letters, digits, '_' or '-', starting with a letter`);
  }
  return Object.freeze({ ...definition, kind: 'backend' as const, cleaners: Object.freeze([...(definition.cleaners ?? [])]) });
}
