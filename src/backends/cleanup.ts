/**
 * Running the cleaners (`nepi clean`): what removes what a run left behind when its
 * controller could not release it (SIGKILL, a power cut). Each backend that creates things
 * outside the run directory brings its cleaners (`defineBackend({ cleaners })`); a cleaner
 * finds what to remove from the run's ledger (`src/backends/ledger.ts`) or its records, or,
 * for `--all`, by the names it gives what it creates, and removes only that.
 */
import type { CleanReport } from '../resources/backend.js';
import { defaultRegistry, registerCleaner, type TypeRegistry } from '../resources/registry.js';

export type { Cleaner, CleanReport } from '../resources/backend.js';
export { registerCleaner };

/** The cleaners `nepi clean` runs: those of the registry's backends, and those registered on their own. */
export function registeredCleaners(registry: TypeRegistry = defaultRegistry) {
  return registry.cleaners();
}

/** Run every cleaner on `runDir` (or on the whole machine with `'all'`); reports by cleaner. */
export async function cleanUp(target: { runDir: string } | 'all', registry: TypeRegistry = defaultRegistry): Promise<Map<string, CleanReport>> {
  const reports = new Map<string, CleanReport>();
  for (const cleaner of registry.cleaners()) {
    try {
      reports.set(cleaner.backend, target === 'all' ? await cleaner.cleanAll() : await cleaner.cleanRun(target.runDir));
    } catch (error) {
      reports.set(cleaner.backend, { removed: [], problems: [error instanceof Error ? error.message : String(error)] });
    }
  }
  return reports;
}
