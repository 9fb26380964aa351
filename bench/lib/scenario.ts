/** What every benchmark scenario is and returns. */

export interface ScenarioOptions {
  /** The reduced version, for CI smoke tests: everything in well under a minute. */
  readonly quick: boolean;
  /** Runs per measurement (default: the scenario's own). */
  readonly runs: number | undefined;
  /** Extra `--name value` options given on the command line. */
  readonly args: Readonly<Record<string, string>>;
  /** Progress lines (to stderr, so that stdout stays the tables). */
  readonly log: (line: string) => void;
}

/** One target of the issue, checked against the figure measured. */
export interface TargetCheck {
  readonly target: string;
  /** The value measured, as shown. */
  readonly measured: string;
  readonly met: boolean;
  /** How far from the limit: measured / limit (below 1 is met). */
  readonly ofLimit: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  readonly quick: boolean;
  readonly params: Record<string, unknown>;
  /** Rows of the printed table: already formatted. */
  readonly table: Record<string, string>[];
  /** Lines printed under the table. */
  readonly notes: string[];
  readonly targets: TargetCheck[];
  /** Everything measured, run by run, with medians and spreads. */
  readonly data: unknown;
  /** Filled by the runner. */
  wallMs?: number;
  peakHeapBytes?: number;
  peakRssBytes?: number;
}

export interface Scenario {
  readonly name: string;
  /** Other names `--only` accepts for it. */
  readonly aliases?: readonly string[];
  readonly title: string;
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}

export function check(target: string, value: number, limit: number, shown: string): TargetCheck {
  return { target, measured: shown, met: value < limit, ofLimit: value / limit };
}
