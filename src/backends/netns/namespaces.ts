/**
 * Creating and removing network namespaces. Each is written to the run's ledger before it is
 * created, and tracked by the experiment's session: when Node exits without a release (an
 * uncaught error, a second Ctrl-C), the session's exit hook deletes them synchronously. Only
 * SIGKILL escapes both; `nepi clean RUN_DIR` then reads the ledger.
 */
import { existsSync, readdirSync } from 'node:fs';
import { recordInLedger } from '../ledger.js';
import { ip, isGone, runSync } from './commands.js';

export const LEDGER = 'netns';
const NETNS_DIR = '/run/netns';

/** Who keeps the list of what is live (the experiment's session). */
export interface NamespaceTracker {
  trackNamespace(name: string): void;
  untrackNamespace(name: string): void;
}

/** Record namespace `name` in the run's ledger, then create it with loopback up. */
export async function createNamespace(runDir: string, name: string, guid: string, tracker: NamespaceTracker): Promise<void> {
  recordInLedger(runDir, LEDGER, { kind: 'netns', name, guid });
  tracker.trackNamespace(name);
  await ip(['netns', 'add', name], { guid });
  await ip(['-n', name, 'link', 'set', 'lo', 'up'], { guid });
}

export function namespaceExists(name: string): boolean {
  return existsSync(`${NETNS_DIR}/${name}`);
}

/** Every network namespace with a name (as `ip netns list` shows them). */
export function listNamespaces(): string[] {
  try {
    return readdirSync(NETNS_DIR);
  } catch {
    return [];
  }
}

/** Kill every process inside namespace `name`, then delete it; false when it did not exist. */
export async function removeNamespace(name: string, tracker?: NamespaceTracker): Promise<boolean> {
  if (!namespaceExists(name)) {
    tracker?.untrackNamespace(name);
    return false;
  }
  for (const pid of await namespacePids(name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  try {
    await ip(['netns', 'del', name]);
  } catch (error) {
    // not deleted: the exit hook tries again
    if (!isGone(error)) throw error;
    tracker?.untrackNamespace(name);
    return false;
  }
  tracker?.untrackNamespace(name);
  return true;
}

/** The processes still inside namespace `name`. */
export async function namespacePids(name: string): Promise<number[]> {
  if (!namespaceExists(name)) return [];
  const pids = await ip(['netns', 'pids', name]).catch(() => '');
  return pids.split(/\s+/).filter(Boolean).map(Number);
}

/** Kill what runs in each of `names` and delete them, synchronously (for exit hooks); never throws. */
export function removeNamespacesSync(names: readonly string[]): void {
  for (const name of names) {
    for (const pid of (runSync('ip', ['netns', 'pids', name]) ?? '').split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    runSync('ip', ['netns', 'del', name]);
  }
}
