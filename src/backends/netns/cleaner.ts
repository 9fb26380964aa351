/**
 * The netns backend's cleaner (`nepi clean`): for a run directory, every namespace its
 * ledger lists that still exists (and has the form of nepi's names) is emptied of processes
 * and deleted (links, bridges and
 * ports live inside them and go with them); for `--all`, every namespace whose name has
 * nepi's form `<prefix>-<8 hex digits>-<name>`, and nothing else.
 */
import type { Cleaner, CleanReport } from '../cleanup.js';
import { readLedger } from '../ledger.js';
import { assertRoot } from './commands.js';
import { hasNamespaceForm, isNepiNamespace } from './names.js';
import { LEDGER, listNamespaces, namespaceExists, removeNamespace } from './namespaces.js';

async function removeAll(names: readonly string[]): Promise<CleanReport> {
  const removed: string[] = [];
  const problems: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      try {
        if (await removeNamespace(name)) removed.push(`network namespace ${name}`);
      } catch (error) {
        problems.push(`network namespace ${name}: ${(error as Error).message}`);
      }
    }),
  );
  return { removed: removed.sort(), problems };
}

export const netnsCleaner: Cleaner = {
  backend: 'netns',
  async cleanRun(runDir) {
    const names = [
      ...new Set(
        readLedger(runDir, LEDGER)
          .filter((e) => e.kind === 'netns')
          .map((e) => e.name),
      ),
    ];
    // a ledger is a file anyone may have edited: only names of nepi's form are deleted
    const foreign = names.filter((name) => !hasNamespaceForm(name));
    const problems = foreign.map(
      (name) => `the ledger names network namespace '${name}', which is not of nepi's form <prefix>-<8 hex digits>-<name>: left alone`,
    );
    const left = names.filter((name) => hasNamespaceForm(name) && namespaceExists(name));
    if (left.length === 0) return { removed: [], problems };
    assertRoot({ guid: runDir, type: 'netns' });
    const report = await removeAll(left);
    return { removed: report.removed, problems: [...problems, ...report.problems] };
  },
  async cleanAll() {
    const names = listNamespaces().filter(isNepiNamespace);
    if (names.length === 0) return { removed: [], problems: [] };
    assertRoot({ guid: 'all', type: 'netns' });
    return removeAll(names);
  },
};
