/**
 * Interrupting `nepi run` (a child process) at each phase of a run: the experiments, how to
 * tell that a phase is under way from the run directory, and what a run must end with.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { readRecords, runDirOf, startNepi, waitFor } from '../resume/cli-support.js';
import { readLedger } from '../../src/backends/ledger.js';
import { LEDGER, namespaceExists } from '../../src/backends/netns/namespaces.js';
import { processesOfRun, remoteFoldersOfRun } from './matrix.js';

export const PHASES = ['discover', 'provision', 'deploy', 'start', 'run', 'stop', 'release'] as const;
export type Phase = (typeof PHASES)[number];

type RunRecord = Record<string, unknown>;

export interface PhaseBackend {
  readonly name: string;
  readonly yaml: string;
  /** The phases this backend's experiment spends time in (others are instant: n/a). */
  readonly phases: readonly Phase[];
  /** Whether the phase has begun, from the records so far (and whether experiment.json exists). */
  begun(phase: Phase, records: readonly RunRecord[], deployed: boolean): boolean;
  /** Whether the phase is still under way at the kill (checked on the records after it). */
  stillIn(phase: Phase, records: readonly RunRecord[]): boolean;
  /** How long after the phase began to interrupt (ms). */
  readonly offset: number;
  /** The delay of `d`'s START after `a` STARTED (ms): the delay measured across a crash. */
  readonly dDelay: number;
}

const has = (records: readonly RunRecord[], guid: string, to: string) => records.some((r) => r['kind'] === undefined && r['guid'] === guid && r['to'] === to);
const fired = (records: readonly RunRecord[], guid: string, action: string) =>
  records.some((r) => r['kind'] === 'condition' && r['event'] === 'fired' && r['guid'] === guid && r['action'] === action);
const released = (records: readonly RunRecord[]) => records.some((r) => r['kind'] === undefined && r['to'] === 'RELEASED');

/**
 * node takes 600 ms at discover, provision and deploy; the applications deploy in 600 ms and
 * start in 600 ms; `a` runs 1.2 s; `s` is stopped 300 ms after `a` STARTED and stops in 900 ms;
 * `d` starts 700 ms after `a` STARTED (a delay that runs across a crash); every application is
 * released in 900 ms.
 */
export const dummyPhases: PhaseBackend = {
  name: 'dummy',
  yaml: `expId: phases
resources:
  node: { type: dummy::Node, attributes: { discoverTime: 600ms, provisionTime: 600ms, deployTime: 600ms } }
  a: { type: dummy::Application, connect: [node], attributes: { deployTime: 600ms, startTime: 600ms, runTime: 1200ms, releaseTime: 900ms } }
  s:
    type: dummy::Application
    connect: [node]
    attributes: { deployTime: 600ms, startTime: 600ms, stopTime: 900ms, releaseTime: 900ms }
    conditions: [{ action: STOP, group: [a], state: STARTED, time: 300ms }]
  d:
    type: dummy::Application
    connect: [node]
    attributes: { deployTime: 600ms, runTime: 300ms, releaseTime: 900ms }
    conditions: [{ action: START, group: [a], state: STARTED, time: 700ms }]
`,
  phases: PHASES,
  offset: 200,
  dDelay: 700,
  begun(phase, records, deployed) {
    switch (phase) {
      case 'discover':
        return deployed;
      case 'provision':
        return has(records, 'node', 'DISCOVERED');
      case 'deploy':
        return has(records, 'node', 'PROVISIONED');
      case 'start':
        return has(records, 'a', 'READY') && has(records, 's', 'READY') && has(records, 'd', 'READY');
      case 'run':
        return has(records, 'a', 'STARTED');
      case 'stop':
        return fired(records, 's', 'STOP');
      case 'release':
        return has(records, 'a', 'FINISHED') && has(records, 's', 'STOPPED') && has(records, 'd', 'FINISHED');
    }
  },
  stillIn(phase, records) {
    switch (phase) {
      case 'discover':
        return !has(records, 'node', 'DISCOVERED');
      case 'provision':
        return !has(records, 'node', 'PROVISIONED');
      case 'deploy':
        return !has(records, 'node', 'READY');
      case 'start':
        return !has(records, 'a', 'STARTED');
      case 'run':
        return !has(records, 'a', 'FINISHED');
      case 'stop':
        return !has(records, 's', 'STOPPED');
      case 'release':
        return !released(records);
    }
  },
};

/**
 * Real processes: `a` runs 3 s; `s` ignores SIGTERM, is stopped 800 ms after `a` STARTED and
 * killed after its 1.5 s stopTimeout; `d` starts 1.2 s after `a` STARTED. Only run and stop
 * take time on this backend.
 */
export const localPhases: PhaseBackend = {
  name: 'local',
  yaml: `expId: phases
resources:
  node: { type: linux::Node }
  a: { type: linux::Application, connect: [node], attributes: { command: sleep 3 } }
  s:
    type: linux::Application
    connect: [node]
    attributes: { command: "trap '' TERM; sleep 30", stopTimeout: 1500ms }
    conditions: [{ action: STOP, group: [a], state: STARTED, time: 800ms }]
  d:
    type: linux::Application
    connect: [node]
    attributes: { command: sleep 0.3 }
    conditions: [{ action: START, group: [a], state: STARTED, time: 1200ms }]
`,
  phases: ['run', 'stop'],
  offset: 150,
  dDelay: 1200,
  begun(phase, records) {
    return phase === 'run' ? has(records, 'a', 'STARTED') : fired(records, 's', 'STOP');
  },
  stillIn(phase, records) {
    return phase === 'run' ? !has(records, 'a', 'FINISHED') && !fired(records, 's', 'STOP') : !has(records, 's', 'STOPPED');
  },
};

/** The same real processes inside a network namespace (needs root, as CI runs). */
export const netnsPhases: PhaseBackend = {
  ...localPhases,
  name: 'netns',
  yaml: localPhases.yaml.replace('node: { type: linux::Node }', 'node: { type: netns::Node }'),
};

/**
 * The same real processes on a linux::Node reached over SSH (a throw-away sshd of this
 * machine: `node` gives its attributes once it runs).
 */
export function sshPhases(node: () => Record<string, unknown>): PhaseBackend {
  return {
    ...localPhases,
    name: 'ssh',
    get yaml() {
      const attributes = Object.entries(node())
        .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
        .join(', ');
      return localPhases.yaml.replace('node: { type: linux::Node }', `node: { type: linux::Node, attributes: { ${attributes} } }`);
    },
  };
}

export interface Interrupted {
  readonly localDir: string;
  readonly runDir: string;
  readonly exit: { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };
  /** Whether the phase was still under way when the signal went out. */
  readonly inPhase: boolean;
  cleanup(): void;
}

/** Run the backend's experiment with `nepi run` and send `signal` once `phase` is under way. */
export async function interruptAt(backend: PhaseBackend, phase: Phase, signal: 'SIGINT' | 'SIGKILL'): Promise<Interrupted> {
  const localDir = mkdtempSync(join(tmpdir(), `nepi-phase-${phase}-`));
  const file = join(localDir, 'phases.yaml');
  writeFileSync(file, backend.yaml);
  const child = startNepi(['run', file, '--local-dir', localDir]);
  let exited = false;
  void child.exited.then(() => (exited = true));
  let runDir: string | undefined;
  const begun = await waitFor(() => {
    runDir ??= runDirOf(localDir, 'phases');
    return exited || (runDir !== undefined && backend.begun(phase, readRecords(runDir), existsSync(join(runDir, 'experiment.json'))));
  }, 30_000);
  if (!begun || exited) {
    child.process.kill('SIGKILL');
    const { code, stderr } = await child.exited;
    rmSync(localDir, { recursive: true, force: true });
    throw new Error(`phase ${phase} never began: nepi run ${exited ? `exited with ${code}: ${stderr}` : 'was still running'}`);
  }
  await new Promise((resolve) => setTimeout(resolve, backend.offset));
  const inPhase = backend.stillIn(phase, readRecords(runDir!));
  child.process.kill(signal);
  const exit = await child.exited;
  return { localDir, runDir: runDir!, exit, inPhase, cleanup: () => removeRun(localDir, runDir!) };
}

/**
 * After a test, even a failed one: the local folder, and what the run may still have (its
 * processes, its folder on the SSH "host"), so that no later run trips on it.
 */
function removeRun(localDir: string, runDir: string): void {
  for (const found of processesOfRun(runDir)) {
    const pid = Number(found.replace(/^pid /, ''));
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone, or not a group leader */
      }
    }
  }
  rmSync(join(homedir(), '.nepi', basename(dirname(runDir)), basename(runDir)), { recursive: true, force: true });
  rmSync(localDir, { recursive: true, force: true });
}

export interface RunEnd {
  readonly status: string;
  readonly failures: readonly unknown[];
  /** Final state of each resource (summary.json). */
  readonly finals: Readonly<Record<string, string>>;
  /** The states each resource entered, each once, sorted (events.ndjson). */
  readonly entered: Readonly<Record<string, string>>;
  /** State records written more than once for the same resource and state. */
  readonly repeated: readonly string[];
}

export function runEnd(runDir: string): RunEnd {
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
    status: string;
    failures: unknown[];
    resources: Record<string, { state: string }>;
  };
  const entered: Record<string, Set<string>> = {};
  const repeated: string[] = [];
  for (const r of readRecords(runDir)) {
    if (r['kind'] !== undefined) continue;
    const states = (entered[r['guid'] as string] ??= new Set());
    if (states.has(r['to'] as string)) repeated.push(`${String(r['guid'])} ${String(r['to'])}`);
    states.add(r['to'] as string);
  }
  return {
    status: summary.status,
    failures: summary.failures,
    finals: Object.fromEntries(Object.entries(summary.resources).map(([guid, r]) => [guid, r.state])),
    entered: Object.fromEntries(Object.entries(entered).map(([guid, s]) => [guid, [...s].sort().join(' ')])),
    repeated,
  };
}

/**
 * What of the run still runs or exists: its processes, the namespaces its ledger lists, its
 * folder on an SSH host (this machine).
 */
export function leftovers(runDir: string): string[] {
  return [
    ...processesOfRun(runDir),
    ...remoteFoldersOfRun(runDir),
    ...readLedger(runDir, LEDGER)
      .filter((entry) => entry.kind === 'netns' && namespaceExists(entry.name))
      .map((entry) => `network namespace ${entry.name}`),
  ];
}

/** Wait (up to 3 s) until nothing of the run is left; returns what is still there. */
export async function leftAfter(runDir: string): Promise<string[]> {
  await waitFor(() => leftovers(runDir).length === 0, 3000);
  return leftovers(runDir);
}

/** The phases table of one kind of interruption: a row per phase, a column per backend. */
export function formatPhases(title: string, backends: readonly PhaseBackend[], results: ReadonlyMap<string, string>): string {
  const lines = [title, '', `| phase | ${backends.map((b) => b.name).join(' | ')} |`, `| --- |${backends.map(() => ' --- |').join('')}`];
  let passed = 0;
  let failed = 0;
  for (const phase of PHASES) {
    const cells = backends.map((b) => {
      if (!b.phases.includes(phase)) return 'n/a (instant)';
      const result = results.get(`${b.name}/${phase}`);
      if (result === undefined) return 'not run';
      if (result.startsWith('ok')) passed++;
      else failed++;
      return result;
    });
    lines.push(`| ${phase} | ${cells.join(' | ')} |`);
  }
  lines.push('', `${passed + failed} cells: ${passed} passed, ${failed} failed`);
  return lines.join('\n');
}
