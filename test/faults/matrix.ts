/**
 * The fault matrix: for a backend, a step and whether the resource is critical, inject a
 * failure into one resource and look at how the whole run ends.
 *
 * Every cell runs the same experiment on the backend's own node and application types:
 *
 *   node      the backend's node
 *   victim    an application that fails at the step (critical or not per cell); it runs
 *             long, and a STOP condition stops it 600 ms after `sibling` STARTED, once
 *             `sibling` and `follower` FINISHED
 *   sibling   an application that runs 300 ms and has nothing to do with the victim
 *   follower  an application that starts 100 ms after the victim STARTED, runs 300 ms
 *
 * The STOP waits for `sibling` and `follower` to be FINISHED as well as for its 600 ms: the
 * cells of a critical stop expect both FINISHED when the victim's failure aborts the run, and
 * with real processes that was a race of about 250 ms (follower: 100 ms + its launch + 300 ms
 * + the end seen; victim: 600 ms after a sibling that may start before it, + its stop) that a
 * loaded machine lost about once in 30 runs. On the virtual clock nothing changes (both are
 * FINISHED by 400 ms). A follower whose end is never seen still hangs the cell, as it must.
 *
 * The failure is injected by wrapping the application type: the step throws for `victim`
 * (before the backend's own work for discover … run; after it for stop and release, so that a
 * failing release still removed what it had to). Other backends join the matrix by adding a
 * `MatrixBackend` (see `backends` in the test files).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ExperimentController, STEPS, type Clock, type StepName } from '../../src/index.js';
import { TypeRegistry } from '../../src/resources/registry.js';
import type { ResourceType, StepFunction } from '../../src/resources/resource-type.js';
import { VirtualClock } from '../../src/testing/index.js';

export interface MatrixBackend {
  readonly name: string;
  readonly node: ResourceType;
  readonly app: ResourceType;
  /** Attributes of each role; `long` runs until stopped (well past the end of the cell). */
  readonly appAttributes: (role: 'long' | 'short') => Record<string, unknown>;
  readonly nodeAttributes?: Record<string, unknown>;
  /** Virtual time (instant, exact) or the real clock (real processes). */
  readonly clock: 'virtual' | 'real';
  /** What is still running of the run in `runDir` after it ended (descriptions; empty: nothing). */
  leftovers(runDir: string, clock: Clock): string[];
}

export interface CellOutcome {
  readonly status: string;
  readonly failures: readonly { guid: string; step: string | undefined; critical: boolean }[];
  /** The state each resource was in when it was released. */
  readonly releasedFrom: Readonly<Record<string, string>>;
  /** The states each resource entered. */
  readonly reached: Readonly<Record<string, readonly string[]>>;
  readonly waitsSettled: boolean;
  readonly leftovers: readonly string[];
}

export const ROLES = ['node', 'victim', 'sibling', 'follower'] as const;

/** The application type with a failure injected into `step` of `victim`. */
export function faulty(app: ResourceType, step: StepName): ResourceType {
  const original = app.steps[step];
  const fail = () => {
    throw new Error(`injected failure at ${step}`);
  };
  const after = step === 'stop' || step === 'release';
  const wrapped: StepFunction = async (ctx) => {
    if (ctx.guid !== 'victim') return original?.(ctx);
    if (!after) fail();
    await original?.(ctx);
    fail();
  };
  return {
    ...app,
    steps: { ...app.steps, [step]: wrapped },
    skipStep: (s, resource) => (resource.guid === 'victim' && s === step ? false : (app.skipStep?.(s, resource) ?? false)),
  };
}

/** How long after a real-clock cell ended its leftovers are looked at once more. */
const LATE_LOOK_MS = 500;

/** Run one cell to its end and describe how it ended. */
export async function runCell(backend: MatrixBackend, step: StepName, critical: boolean): Promise<CellOutcome> {
  const localDir = mkdtempSync(join(tmpdir(), 'nepi-faults-'));
  const clock = backend.clock === 'virtual' ? new VirtualClock(1_000_000) : undefined;
  try {
    const registry = new TypeRegistry();
    registry.register(backend.node);
    registry.register(faulty(backend.app, step));
    const ec = new ExperimentController({ registry, localDir, expId: 'cell', ...(clock ? { clock } : {}) });
    ec.registerResource(backend.node.type, backend.nodeAttributes ?? {}, { name: 'node' });
    ec.registerResource(backend.app.type, { ...backend.appAttributes('long'), critical }, { name: 'victim' });
    ec.registerResource(backend.app.type, backend.appAttributes('short'), { name: 'sibling' });
    ec.registerResource(backend.app.type, backend.appAttributes('short'), { name: 'follower' });
    for (const app of ['victim', 'sibling', 'follower']) ec.registerConnection('node', app);
    ec.registerCondition('follower', 'START', 'victim', 'STARTED', '100ms');
    ec.registerCondition('victim', 'STOP', 'sibling', 'STARTED', '600ms');
    ec.registerCondition('victim', 'STOP', ['sibling', 'follower'], 'FINISHED');
    ec.deploy();
    let settled = 0;
    const waits = [ec.waitDeployed(), ec.waitStarted(), ec.waitFinished(), ec.waitReleased()];
    for (const wait of waits)
      wait.then(
        () => settled++,
        () => settled++,
      );
    const done = ec.run();
    if (clock) await clock.runAll();
    const summary = await done;
    await new Promise((resolve) => setImmediate(resolve));
    const records = readFileSync(join(ec.runDir, 'events.ndjson'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { kind?: string; guid: string; from: string; to: string });
    const releasedFrom: Record<string, string> = {};
    const reached: Record<string, string[]> = {};
    for (const r of records) {
      if (r.kind !== undefined) continue;
      (reached[r.guid] ??= []).push(r.to);
      if (r.to === 'RELEASED') releasedFrom[r.guid] = r.from;
    }
    return {
      status: summary.status,
      failures: summary.failures.map((f) => ({ guid: f.guid, step: f.step, critical: f.critical })),
      releasedFrom,
      reached,
      waitsSettled: settled === waits.length,
      leftovers: await settledLeftovers(() => backend.leftovers(ec.runDir, clock ?? ec.clock), clock ? 0 : LATE_LOOK_MS),
    };
  } finally {
    rmSync(localDir, { recursive: true, force: true });
  }
}

/**
 * What is left once a killed process had a moment to die (up to 2 s; a SIGKILL is not
 * instant). When nothing is, it looks once more `lateMs` later: a step still at work after
 * the run ended would only then have made something (a process, a remote folder).
 */
async function settledLeftovers(look: () => string[], lateMs: number): Promise<string[]> {
  const deadline = performance.now() + 2000;
  let left = look();
  while (left.length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = look();
  }
  if (left.length > 0 || lateMs === 0) return left;
  await new Promise((resolve) => setTimeout(resolve, lateMs));
  return look().map((thing) => `${thing} (made after the run ended)`);
}

export interface Expectation {
  readonly status: 'released' | 'aborted';
  /** The state each role is released from; a list when timing decides between them. */
  readonly releasedFrom: Readonly<Record<(typeof ROLES)[number], string | readonly string[]>>;
  /** States a role must never enter. */
  readonly never: Readonly<Partial<Record<(typeof ROLES)[number], readonly string[]>>>;
}

const BEFORE_START: readonly StepName[] = ['discover', 'provision', 'deploy'];

/** What a cell must end with (docs/conditions.md, failures). */
export function expectation(step: StepName, critical: boolean): Expectation {
  if (step === 'release') {
    // a failed release still ends RELEASED and does not abort; it is listed as a failure
    return {
      status: 'released',
      releasedFrom: { node: 'STARTED', victim: 'STOPPED', sibling: 'FINISHED', follower: 'FINISHED' },
      never: { victim: ['FAILED'] },
    };
  }
  if (critical) {
    // aborted: everything is released at once, nothing waits on the failed victim any more
    const early = BEFORE_START.includes(step);
    return {
      status: 'aborted',
      releasedFrom: {
        node: ['READY', 'STARTED'],
        victim: 'FAILED',
        sibling: early ? ['NEW', 'DISCOVERED', 'PROVISIONED', 'READY'] : step === 'stop' ? 'FINISHED' : ['READY', 'STARTED', 'FINISHED'],
        follower: step === 'stop' ? 'FINISHED' : ['NEW', 'DISCOVERED', 'PROVISIONED', 'READY'],
      },
      never: {
        follower: step === 'stop' ? ['FAILED'] : ['STARTED'],
        sibling: early ? ['STARTED', 'FAILED'] : ['FAILED'],
        node: ['FAILED'],
      },
    };
  }
  // non-critical: the others go on; a waiting condition takes the failure for its state
  return {
    status: 'released',
    releasedFrom: { node: 'STARTED', victim: 'FAILED', sibling: 'FINISHED', follower: 'FINISHED' },
    never: { node: ['FAILED'], sibling: ['FAILED'], follower: ['FAILED'] },
  };
}

/** Every way `outcome` differs from what `step` / `critical` must give; empty when it matches. */
export function mismatches(outcome: CellOutcome, step: StepName, critical: boolean): string[] {
  const expected = expectation(step, critical);
  const problems: string[] = [];
  if (outcome.status !== expected.status) problems.push(`status ${outcome.status}, expected ${expected.status}`);
  const failures = outcome.failures.map((f) => `${f.guid}@${f.step}${f.critical ? '' : '(nc)'}`);
  const wanted = [`victim@${step}${critical ? '' : '(nc)'}`];
  if (failures.join() !== wanted.join()) problems.push(`failures [${failures.join(', ')}], expected [${wanted.join(', ')}]`);
  for (const role of ROLES) {
    const from = outcome.releasedFrom[role];
    const allowed = expected.releasedFrom[role];
    const ok = typeof allowed === 'string' ? from === allowed : from !== undefined && allowed.includes(from);
    if (!ok) problems.push(`${role} released from ${from ?? '(never released)'}, expected ${String(allowed)}`);
    for (const state of expected.never[role] ?? []) {
      if (outcome.reached[role]?.includes(state)) problems.push(`${role} entered ${state}`);
    }
  }
  if (!outcome.waitsSettled) problems.push('a wait never settled');
  if (outcome.leftovers.length > 0) problems.push(`left behind: ${outcome.leftovers.join('; ')}`);
  return problems;
}

/** One line of the printed matrix. */
export interface MatrixRow {
  readonly backend: string;
  readonly step: string;
  readonly critical: boolean;
  readonly result: string;
  readonly ok: boolean;
}

/** The matrix as a table: a row per backend and step, a column per criticality; then counts. */
export function formatMatrix(title: string, rows: readonly MatrixRow[]): string {
  const cell = (backend: string, step: string, critical: boolean) => rows.find((r) => r.backend === backend && r.step === step && r.critical === critical);
  const backends = [...new Set(rows.map((r) => r.backend))];
  const steps = [...new Set(rows.map((r) => r.step))];
  const show = (r: MatrixRow | undefined) => (r ? `${r.ok ? 'ok' : 'FAIL'} ${r.result}` : '-');
  const lines = [`${title}`, '', '| backend | step | critical | non-critical |', '| --- | --- | --- | --- |'];
  for (const backend of backends) {
    for (const step of steps) lines.push(`| ${backend} | ${step} | ${show(cell(backend, step, true))} | ${show(cell(backend, step, false))} |`);
  }
  const passed = rows.filter((r) => r.ok).length;
  lines.push('', `${rows.length} cells: ${passed} passed, ${rows.length - passed} failed`);
  return lines.join('\n');
}

/** A short description of how a cell ended, for the printed matrix. */
export function describeOutcome(outcome: CellOutcome): string {
  return `${outcome.status}, victim ${outcome.releasedFrom['victim'] ?? '?'}`;
}

/**
 * Processes still running whose `NEPI_RUN_DIR` is the run's directory, here or on an SSH
 * host that is this machine (`~/.nepi/<expId>/<runId>`): told apart by the run id, unique.
 */
export function processesOfRun(runDir: string): string[] {
  const found: string[] = [];
  const runId = runDir.slice(runDir.lastIndexOf('/') + 1);
  const matches = (environ: string) => environ.split('\0').some((v) => v.startsWith('NEPI_RUN_DIR=') && v.endsWith(`/${runId}`));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      if (matches(readFileSync(`/proc/${entry}/environ`, 'latin1'))) found.push(`pid ${entry}`);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return found;
}

/**
 * The run's folder on an SSH host that is this machine, `~/.nepi/<expId>/<runId>` (the run
 * directory is `<localDir>/<expId>/<runId>`), with what is in it: even empty, it is left over.
 */
export function remoteFoldersOfRun(runDir: string): string[] {
  const folder = join(homedir(), '.nepi', basename(dirname(runDir)), basename(runDir));
  if (!existsSync(folder)) return [];
  let entries: string[] = [];
  try {
    entries = (readdirSync(folder, { recursive: true }) as string[]).sort();
  } catch {
    /* removed meanwhile */
  }
  return [`folder ${folder} (${entries.length > 0 ? entries.join(', ') : 'empty'})`];
}

/**
 * The steps of the lifecycle a failure is injected at. `set` runs only for a SET of a runtime
 * attribute, which none of the matrix's victims has: its failure is tested in test/experiment/set.test.ts.
 */
export const MATRIX_STEPS = STEPS.filter((step) => step !== 'set');
