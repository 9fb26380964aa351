/**
 * Cleaners: what `nepi clean` calls to remove what a run left behind when its controller
 * could not release it (SIGKILL, a power cut). Each backend that creates things outside the
 * run directory registers one: the netns backend here, later the local (processes) and SSH
 * (remote folders and processes) backends. A cleaner finds what to remove from the run's
 * ledger (`src/backends/ledger.ts`) or, for `--all`, by the names it gives what it creates,
 * and removes only that.
 */
export interface CleanReport {
  /** One line per thing removed, e.g. `network namespace nepi-1a2b3c4d-node1`. */
  readonly removed: readonly string[];
  /** What could not be removed, and why. */
  readonly problems: readonly string[];
}

export interface Cleaner {
  /** The backend it cleans up after, e.g. `netns`. */
  readonly backend: string;
  /** Remove what the run in `runDir` created and left behind. */
  cleanRun(runDir: string): Promise<CleanReport>;
  /** Remove everything this backend created on this machine, found by its naming, and nothing else. */
  cleanAll(): Promise<CleanReport>;
}

const cleaners = new Map<string, Cleaner>();

/** Register (or replace) the cleaner of a backend. */
export function registerCleaner(cleaner: Cleaner): void {
  cleaners.set(cleaner.backend, cleaner);
}

export function registeredCleaners(): Cleaner[] {
  return [...cleaners.values()];
}

/** Run every cleaner on `runDir` (or on the whole machine with `'all'`); reports by backend. */
export async function cleanUp(target: { runDir: string } | 'all'): Promise<Map<string, CleanReport>> {
  const reports = new Map<string, CleanReport>();
  for (const cleaner of cleaners.values()) {
    try {
      reports.set(cleaner.backend, target === 'all' ? await cleaner.cleanAll() : await cleaner.cleanRun(target.runDir));
    } catch (error) {
      reports.set(cleaner.backend, { removed: [], problems: [error instanceof Error ? error.message : String(error)] });
    }
  }
  return reports;
}
