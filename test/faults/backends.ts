/**
 * The backends of the fault matrix. To add one, describe its node and application types here
 * and add a test file that runs `matrixSuite` on it.
 */
import { readLedger } from '../../src/backends/ledger.js';
import { NetnsNode } from '../../src/backends/netns/index.js';
import { LEDGER, namespaceExists } from '../../src/backends/netns/namespaces.js';
import { DummyApplication, DummyNode, LinuxApplication, LinuxNode } from '../../src/index.js';
import type { VirtualClock } from '../../src/testing/index.js';
import { processesOfRun, remoteFoldersOfRun, type MatrixBackend } from './matrix.js';

export const dummyBackend: MatrixBackend = {
  name: 'dummy',
  node: DummyNode,
  app: DummyApplication,
  appAttributes: (role) => ({ runTime: role === 'long' ? '60s' : '300ms' }),
  clock: 'virtual',
  // a dummy runs on timers only: a timer still pending is something still running
  leftovers: (_runDir, clock) => {
    const pending = (clock as VirtualClock).pending;
    return pending > 0 ? [`${pending} timer(s) still pending`] : [];
  },
};

export const localBackend: MatrixBackend = {
  name: 'local',
  node: LinuxNode,
  app: LinuxApplication,
  appAttributes: (role) => ({ command: role === 'long' ? 'sleep 30' : 'sleep 0.3', stopTimeout: '2s' }),
  clock: 'real',
  leftovers: (runDir) => processesOfRun(runDir),
};

/** An application in a network namespace (needs root, as CI runs): its processes and the namespace. */
export const netnsBackend: MatrixBackend = {
  name: 'netns',
  node: NetnsNode,
  app: LinuxApplication,
  appAttributes: (role) => ({ command: role === 'long' ? 'sleep 30' : 'sleep 0.3', stopTimeout: '2s' }),
  clock: 'real',
  leftovers: (runDir) => [
    ...processesOfRun(runDir),
    ...readLedger(runDir, LEDGER)
      .filter((entry) => entry.kind === 'netns' && namespaceExists(entry.name))
      .map((entry) => `network namespace ${entry.name}`),
  ],
};

/**
 * Applications over SSH on a throw-away sshd of this machine (`node`: its linux::Node
 * attributes, from `startSshd()` of test/support/sshd.ts).
 */
export function sshBackend(node: () => Record<string, unknown>): MatrixBackend {
  return {
    name: 'ssh',
    node: LinuxNode,
    app: LinuxApplication,
    get nodeAttributes() {
      return node();
    },
    appAttributes: (role) => ({ command: role === 'long' ? 'sleep 30' : 'sleep 0.3', stopTimeout: '2s' }),
    clock: 'real',
    // its processes, and its folder on the host (~/.nepi/<expId>/<runId>): nothing may be left
    leftovers: (runDir) => [...processesOfRun(runDir), ...remoteFoldersOfRun(runDir)],
  };
}
