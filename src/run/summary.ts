/** What a run ends with: `summary.json`, also printed by `nepi run` and `nepi show`. */
import type { ResourceState } from '../../machines/lifecycle.js';
import type { AttributeChangeRecord } from '../../machines/resource.js';
import type { Failure, Interruption } from '../../machines/controller.js';
import type { ExperimentStatus } from '../experiment/options.js';
import { describeCause } from '../errors.js';

/** A failed resource, as `summary.json` lists it (the error as text). */
export interface FailureSummary {
  readonly guid: string;
  readonly type: string;
  readonly step: string | undefined;
  readonly error: string;
  readonly critical: boolean;
  readonly time: number;
}

/** What a run ends with: `summary.json`, also printed by `nepi run` and `nepi show`. */
export interface RunSummary {
  readonly expId: string;
  readonly runId: string;
  readonly runDir: string;
  /** `interrupted`: stopped early from outside (see `interrupted`); `aborted`: a critical failure. */
  readonly status: ExperimentStatus;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly failures: readonly FailureSummary[];
  /** Set when the run was stopped early: by what, when, and which resources it waited for had not ended. */
  readonly interrupted?: Interruption;
  /** The addresses (CIDR) nodes had when the run ended, as nepi assigned or knew them, by node; absent when none had any. */
  readonly addresses?: Readonly<Record<string, readonly string[]>>;
  /** What went wrong at the end of the run outside any resource (a backend session that could not be disposed of). */
  readonly problems?: readonly string[];
  readonly resources: Readonly<
    Record<
      string,
      {
        readonly type: string;
        readonly state: ResourceState;
        readonly times: Partial<Record<ResourceState, number>>;
        /** What the resource measured (StepContext.results), when it measured anything. */
        readonly results?: Readonly<Record<string, unknown>>;
        /** The runtime attribute changes applied while it was STARTED (`ec.set`, SET conditions), in order; absent when none was. */
        readonly changes?: readonly AttributeChangeRecord[];
      }
    >
  >;
}

export function summariseFailure(failure: Failure): FailureSummary {
  return {
    guid: failure.guid,
    type: failure.type,
    step: failure.step,
    error: describeCause(failure.error),
    critical: failure.critical,
    time: failure.time,
  };
}

/** The summary of a run as it stands, ended now. */
export function summariseRun(
  run: Pick<RunSummary, 'expId' | 'runId' | 'runDir' | 'status'> & { readonly failures: readonly Failure[]; readonly interruption: Interruption | undefined },
  startedAt: Date,
  resources: RunSummary['resources'],
): RunSummary {
  const { expId, runId, runDir, status, interruption } = run;
  const endedAt = new Date().toISOString();
  const failures = run.failures.map(summariseFailure);
  return {
    expId,
    runId,
    runDir,
    status,
    startedAt: startedAt.toISOString(),
    endedAt,
    failures,
    ...(interruption ? { interrupted: interruption } : {}),
    resources,
  };
}
