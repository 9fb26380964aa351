/**
 * Running a generated experiment on a VirtualClock, observing what the controller does, and
 * the properties it must have, as a list of violations (empty: all hold).
 *
 * Observed: every DEPLOY, START and STOP the controller sends to a resource (through XState
 * inspection, stamped with the clock), every resource's state times once the experiment is
 * quiet and after shutdown, and three waits started right after deploy.
 */
import { ExperimentAbortedError, ExperimentController, type Clock, type ExperimentStatus, type ResourceInfo } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { deployAll, register, scheduleStops, type Action, type CondState, type Experiment } from './experiment.js';
import { predict, RANK, type Prediction, type State } from './reference.js';

export interface Send {
  readonly guid: string;
  readonly action: Action;
  readonly time: number;
}

export interface WaitResult {
  readonly state: 'READY' | 'STARTED' | 'STOPPED';
  outcome: 'pending' | 'resolved' | 'rejected';
  at?: number;
  error?: unknown;
}

export interface Observation {
  readonly sends: readonly Send[];
  /** Every resource once nothing moves any more, before shutdown. */
  readonly quiet: Readonly<Record<string, ResourceInfo>>;
  readonly statusQuiet: ExperimentStatus;
  readonly failuresQuiet: readonly { guid: string; step: string | undefined; time: number; critical: boolean }[];
  readonly waits: readonly WaitResult[];
  /** When those waits were started: once every group was deployed. */
  readonly waitsFrom: number;
  /** A wait started once the experiment was quiet. */
  readonly lateWait: WaitResult;
  readonly shutdownSettled: boolean;
  readonly released: Readonly<Record<string, ResourceInfo>>;
  readonly statusReleased: ExperimentStatus;
  readonly failuresReleased: readonly { guid: string; step: string | undefined }[];
}

export interface RunOptions {
  /** The clock the controller gets, made from the virtual clock that drives the run. */
  readonly wrapClock?: (clock: VirtualClock) => Clock;
}

const WAITS = ['READY', 'STARTED', 'STOPPED'] as const;

function track(state: WaitResult['state'], promise: Promise<void>, clock: VirtualClock): WaitResult {
  const result: WaitResult = { state, outcome: 'pending' };
  promise.then(
    () => {
      result.outcome = 'resolved';
      result.at = clock.now();
    },
    (error: unknown) => {
      result.outcome = 'rejected';
      result.at = clock.now();
      result.error = error;
    },
  );
  return result;
}

function wait(ec: ExperimentController, state: WaitResult['state']): Promise<void> {
  return state === 'READY' ? ec.waitDeployed() : state === 'STARTED' ? ec.waitStarted() : ec.waitFinished();
}

export async function observe(experiment: Experiment, options: RunOptions = {}): Promise<Observation> {
  const clock = new VirtualClock();
  const names = new Set(experiment.rms.map((rm) => rm.name));
  const sends: Send[] = [];
  const ec = new ExperimentController({
    clock: options.wrapClock?.(clock) ?? clock,
    record: false,
    inspect: (event) => {
      if (event.type !== '@xstate.event') return;
      const type = event.event.type;
      const guid = (event.actorRef as { id?: string }).id ?? '';
      if ((type === 'DEPLOY' || type === 'START' || type === 'STOP') && names.has(guid)) {
        sends.push({ guid, action: type, time: clock.now() });
      }
    },
  });
  register(ec, experiment);
  scheduleStops(ec, clock, experiment);
  await deployAll(ec, clock, experiment);
  const waitsFrom = clock.now();
  const waits = WAITS.map((state) => track(state, wait(ec, state), clock));
  await clock.runAll();
  const snapshot = () => Object.fromEntries(ec.resources.map((guid) => [guid, ec.getResource(guid)]));
  const quiet = snapshot();
  const statusQuiet = ec.status;
  const failuresQuiet = ec.failures.map((f) => ({ guid: f.guid, step: f.step, time: f.time, critical: f.critical }));
  // what the waits were once quiet: shutdown settles those still pending (RELEASED is later than any state)
  const waitsQuiet = waits.map((w) => ({ ...w }));
  const lateWait = track('STARTED', ec.waitStarted(), clock);
  await clock.runAll();
  let shutdownSettled = false;
  const done = ec.shutdown().finally(() => void (shutdownSettled = true));
  await clock.runAll();
  if (shutdownSettled) await done;
  return {
    sends,
    quiet,
    statusQuiet,
    failuresQuiet,
    waits: waitsQuiet,
    waitsFrom,
    lateWait,
    shutdownSettled,
    released: snapshot(),
    statusReleased: ec.status,
    failuresReleased: ec.failures.map((f) => ({ guid: f.guid, step: f.step })),
  };
}

const STATES: readonly State[] = ['DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'STOPPED', 'FINISHED', 'FAILED'];

/** When a resource reached `state` as the controller saw it, from its observed state times. */
function reachedAt(info: ResourceInfo, critical: boolean, state: CondState | 'READY', strict = false): number {
  let real = Infinity;
  for (const [s, t] of Object.entries(info.times) as [State | 'NEW' | 'RELEASED', number][]) {
    if (s === 'FAILED' || s === 'RELEASED' || s === 'NEW') continue;
    if (RANK[s] >= RANK[state] && t < real) real = t;
  }
  if (real < Infinity) return real;
  const failed = info.times.FAILED;
  if (!strict && !critical && failed !== undefined) return failed;
  return Infinity;
}

/** The first time `guid` entered a state of `rank` or later (FAILED included). */
function rankReachedAt(info: ResourceInfo, rank: number): number {
  let at = Infinity;
  for (const [s, t] of Object.entries(info.times) as [State | 'NEW' | 'RELEASED', number][]) {
    if (s !== 'RELEASED' && RANK[s] >= rank && t < at) at = t;
  }
  return at;
}

export interface Verdict {
  readonly prediction: Prediction;
  readonly violations: string[];
}

/**
 * Check every property; the violations are prefixed by the property they break: `early`
 * (an action before its conditions hold plus their delay), `timing` (not when the
 * reference says), `abort`, `wait`, `release`.
 */
export function check(experiment: Experiment, observation: Observation, prediction = predict(experiment)): Verdict {
  const violations: string[] = [];
  const v = (text: string) => violations.push(text);
  const { quiet, sends } = observation;
  const rms = new Map(experiment.rms.map((rm) => [rm.name, rm]));
  const exact = prediction.ambiguous.length === 0;
  // the abort seen (the first critical failure recorded), checked against the reference's
  const aborted = Math.min(Infinity, ...observation.failuresQuiet.filter((f) => f.critical).map((f) => f.time));
  if (exact && aborted !== prediction.abortAt) {
    v(
      `timing: the experiment ${aborted < Infinity ? `aborted at ${aborted}` : 'did not abort'}, the reference says ${prediction.abortAt < Infinity ? `it aborts at ${prediction.abortAt}` : 'it does not abort'}`,
    );
  }
  const T = exact ? Math.min(aborted, prediction.abortAt) : aborted;

  // early: no action before every condition on it holds, plus its delay
  for (const send of sends) {
    const at = (name: string, state: CondState | 'READY', strict = false) => reachedAt(quiet[name]!, rms.get(name)!.critical, state, strict);
    for (const c of experiment.conditions) {
      if (c.target !== send.guid || c.action !== send.action) continue;
      const due = Math.max(...c.members.map((m) => at(m, c.state))) + c.delay;
      if (send.time < due) {
        v(
          `early: ${send.action} sent to ${send.guid} at ${send.time}, before its condition (${c.members.join(', ')} ${c.state} + ${c.delay} ms) held at ${due}`,
        );
      }
    }
    const rm = rms.get(send.guid)!;
    if (send.action === 'DEPLOY' && rm.node !== undefined && send.time < at(rm.node, 'READY', true)) {
      v(`early: DEPLOY sent to ${send.guid} at ${send.time}, before its node ${rm.node} was READY`);
    }
    if (send.action === 'START') {
      const self = rankReachedAt(quiet[send.guid]!, RANK.READY);
      if (send.time < self) v(`early: START sent to ${send.guid} at ${send.time}, before it was READY (${self})`);
      if (experiment.waitAllReady) {
        for (const member of experiment.rms) {
          if (member.group !== rm.group) continue;
          const ready = at(member.name, 'READY');
          if (send.time < ready) v(`early: START sent to ${send.guid} at ${send.time}, before ${member.name} of its group was READY (${ready})`);
        }
      }
    }
    if (send.action === 'STOP') {
      const self = rankReachedAt(quiet[send.guid]!, RANK.STARTED);
      if (send.time < self) v(`early: STOP sent to ${send.guid} at ${send.time}, before it was STARTED (${self})`);
      const byHand = !experiment.conditions.some((c) => c.target === send.guid && c.action === 'STOP');
      if (byHand && (rm.stopAt === undefined || send.time < rm.stopAt)) {
        v(`early: STOP sent to ${send.guid} at ${send.time}, before ec.stop() was called (${rm.stopAt ?? 'never'})`);
      }
    }
  }

  // timing: every state entered and every action sent when the reference says (before an abort)
  const counts = (e: number | undefined, a: number | undefined) => (e !== undefined && e < T) || (a !== undefined && a < T);
  if (exact) {
    const firstSend = new Map<string, number>();
    for (const send of sends) {
      const key = `${send.guid}/${send.action}`;
      if (!firstSend.has(key)) firstSend.set(key, send.time);
    }
    for (const rm of experiment.rms) {
      const tl = prediction.timelines.get(rm.name)!;
      const info = quiet[rm.name]!;
      for (const state of STATES) {
        const e = tl.times[state];
        const a = info.times[state];
        if (counts(e, a) && a !== e) v(`timing: ${rm.name} entered ${state} at ${a ?? 'never'}, the reference says ${e ?? 'never'}`);
      }
      for (const action of ['DEPLOY', 'START', 'STOP'] as const) {
        // START and STOP also go to a resource that failed before (and ignores them): only
        // the ones that matter are compared
        if (action === 'START' && tl.times.READY === undefined) continue;
        if (action === 'STOP' && tl.times.STARTED === undefined) continue;
        const e = tl.sent[action];
        const a = firstSend.get(`${rm.name}/${action}`);
        if (counts(e, a) && a !== e) v(`timing: ${action} sent to ${rm.name} at ${a ?? 'never'}, the reference says ${e ?? 'never'}`);
      }
      const failure = observation.failuresQuiet.find((f) => f.guid === rm.name);
      if (counts(tl.failedAt, failure?.time) && (failure?.time !== tl.failedAt || failure?.step !== tl.failedStep)) {
        v(
          `timing: ${rm.name} failed at ${failure?.step ?? 'no step'} at ${failure?.time ?? 'never'}, the reference says ${tl.failedStep ?? 'no step'} at ${tl.failedAt ?? 'never'}`,
        );
      }
    }
  }

  // abort: a critical failure releases everything, starts nothing new and rejects every wait
  if (aborted < Infinity) {
    if (observation.statusQuiet !== 'aborted') v(`abort: status ${observation.statusQuiet} after a critical failure at ${aborted}`);
    for (const rm of experiment.rms) {
      const info = quiet[rm.name]!;
      if (info.state !== 'RELEASED') v(`abort: ${rm.name} is ${info.state} after the abort, not RELEASED`);
      // nothing moves but releases: a resource whose release waits for its dependents halts
      // meanwhile (test/regressions/release-waits-for-dependents.test.ts)
      for (const state of STATES) {
        const a = info.times[state];
        if (a !== undefined && a > aborted) v(`abort: ${rm.name} entered ${state} at ${a}, after the abort at ${aborted}`);
      }
    }
    for (const send of sends) if (send.time > aborted) v(`abort: ${send.action} sent to ${send.guid} at ${send.time}, after the abort at ${aborted}`);
    for (const w of observation.waits) {
      const ok = (w.outcome === 'resolved' && w.at! <= aborted) || (w.outcome === 'rejected' && w.error instanceof ExperimentAbortedError);
      if (!ok) v(`abort: the wait for ${w.state} is ${w.outcome}${w.at !== undefined ? ` at ${w.at}` : ''} (${String(w.error ?? '')}), abort at ${aborted}`);
    }
    const late = observation.lateWait;
    if (!(late.outcome === 'rejected' && late.error instanceof ExperimentAbortedError)) v(`abort: a wait started after the abort is ${late.outcome}`);
  } else {
    if (observation.statusQuiet !== 'running') v(`abort: status ${observation.statusQuiet} without a critical failure`);
    for (const rm of experiment.rms) if (quiet[rm.name]!.state === 'RELEASED') v(`release: ${rm.name} RELEASED before shutdown`);
    if (exact && prediction.abortAt === Infinity) {
      for (const w of observation.waits) {
        let due = observation.waitsFrom;
        for (const rm of experiment.rms) due = Math.max(due, prediction.reach(rm.name, w.state));
        const expected = due === Infinity ? 'pending' : `resolved at ${due}`;
        const got = w.outcome === 'resolved' ? `resolved at ${w.at}` : w.outcome;
        if (got !== expected) v(`wait: the wait for ${w.state} is ${got}, the reference says ${expected}`);
      }
    }
  }

  // release: after shutdown everything is RELEASED, applications before their node
  if (!observation.shutdownSettled) v('release: shutdown() never settled');
  const expectedStatus = aborted < Infinity ? 'aborted' : 'released';
  if (observation.statusReleased !== expectedStatus) v(`release: status ${observation.statusReleased} after shutdown, expected ${expectedStatus}`);
  for (const rm of experiment.rms) {
    const info = observation.released[rm.name]!;
    if (info.state !== 'RELEASED') v(`release: ${rm.name} is ${info.state} after shutdown`);
    if (rm.node !== undefined) {
      const app = info.times.RELEASED ?? Infinity;
      const node = observation.released[rm.node]!.times.RELEASED ?? Infinity;
      if (app > node) v(`release: ${rm.name} RELEASED at ${app}, after its node ${rm.node} (${node})`);
    }
    if (rm.failAt === 'release' && !observation.failuresReleased.some((f) => f.guid === rm.name && f.step === 'release')) {
      v(`release: ${rm.name}'s failed release is not recorded`);
    }
  }
  return { prediction, violations };
}

/** Run `experiment` and check it; the violations with the experiment, for a failing property. */
export async function verify(experiment: Experiment, options: RunOptions = {}): Promise<Verdict> {
  return check(experiment, await observe(experiment, options));
}
