/**
 * A small reference model of what the controller must do with an experiment of dummies,
 * written from the rules in docs/conditions.md and docs/resource-types.md, not from the
 * engine's code. It computes, for every resource, when each action is sent and when each
 * state is entered, until the experiment is quiet (nothing is released before shutdown).
 *
 * The rules it follows:
 * - each group is deployed at its time; a resource's DEPLOY is sent then, once its DEPLOY conditions
 *   hold and, for an application, once its node is READY (really READY: a failed node is not);
 * - a condition holds at max(time each member reached the state) + delay; a member reached a
 *   state when it entered it or any later state, except that a failure jumps over the states
 *   between the last one reached and FAILED; a non-critical failed member counts as having
 *   reached every state at the time it failed; a critical one reaches nothing more;
 * - a dummy step takes its time (a step of time 0 takes none) and the step named by failAt
 *   throws at its end; `run` ends runTime after STARTED (at once without runTime when it fails);
 * - START is sent once the resource is READY, its group is READY (with waitAllReady: every
 *   member READY or failed non-critically) and its START conditions hold;
 * - STOP is sent, to a resource with STOP conditions, once it is STARTED and they hold; to
 *   one without, once it is STARTED and `ec.stop()` was called; it stops it unless its run
 *   ended first;
 * - when a node fails non-critically, each of its applications whose DEPLOY was not sent yet
 *   fails at that time (step deploy), or when deployed if that is later, also when the
 *   failure itself satisfies its last DEPLOY condition ("an application does not deploy on a
 *   node that failed");
 * - the first critical failure aborts: from then on nothing the model says counts.
 *
 * Where two things would happen at the same time and their order matters (a run ending as its
 * STOP arrives, an application's DEPLOY due as its node fails), the model says `ambiguous`.
 */
import type { Action, CondState, Condition, Experiment, FailStep, Rm } from './experiment.js';

export type State = 'NEW' | 'DISCOVERED' | 'PROVISIONED' | 'READY' | 'STARTED' | 'STOPPED' | 'FINISHED' | 'FAILED';

export const RANK: Record<State | 'RELEASED', number> = {
  NEW: 0,
  DISCOVERED: 1,
  PROVISIONED: 2,
  READY: 3,
  STARTED: 4,
  STOPPED: 5,
  FINISHED: 6,
  FAILED: 7,
  RELEASED: 8,
};

export interface Timeline {
  /** When each action is sent; undefined: never. */
  readonly sent: Partial<Record<Action, number>>;
  /** When each state is entered; undefined: never (before shutdown). */
  readonly times: Partial<Record<State, number>>;
  failedAt?: number;
  failedStep?: FailStep;
}

export interface Prediction {
  readonly timelines: ReadonlyMap<string, Timeline>;
  /** When the experiment aborts (its first critical failure); Infinity when it does not. */
  readonly abortAt: number;
  readonly ambiguous: string[];
  /** When `state` is reached by a resource, as conditions and waits see it. */
  reach(name: string, state: CondState | 'READY', strict?: boolean): number;
}

const CHAIN = [
  ['discover', 'DISCOVERED'],
  ['provision', 'PROVISIONED'],
  ['deploy', 'READY'],
] as const;

export function predict(experiment: Experiment): Prediction {
  const rms = new Map(experiment.rms.map((rm) => [rm.name, rm]));
  // a timeline is computed in two phases: up to READY, then from START on (a node's START
  // waits for its applications' READY through the barrier, which wait for its READY)
  const timelines = new Map<string, Timeline>();
  const phases = new Map<string, 1 | 2>();
  const computing = new Set<string>();
  const ambiguous: string[] = [];

  const timeline = (name: string, phase: 1 | 2): Timeline => {
    let tl = timelines.get(name);
    const done = phases.get(name) ?? 0;
    if (tl && done >= phase) return tl;
    const key = `${name}/${done + 1}`;
    if (computing.has(key)) throw new Error(`reference model: '${name}' waits on itself`);
    computing.add(key);
    if (!tl) {
      tl = { sent: {}, times: {} };
      timelines.set(name, tl);
      phaseOne(rms.get(name)!, tl);
      phases.set(name, 1);
    }
    computing.delete(key);
    if (phase === 2 && done < 2) {
      const key2 = `${name}/2`;
      if (computing.has(key2)) throw new Error(`reference model: '${name}' waits on itself`);
      computing.add(key2);
      phaseTwo(rms.get(name)!, tl);
      phases.set(name, 2);
      computing.delete(key2);
    }
    return tl;
  };

  /** When `name` reached `state`, seen from a condition; `partial` is its timeline while it is computed. */
  const reach = (name: string, state: CondState | 'READY', strict = false, partial?: Timeline): number => {
    const tl = partial ?? timeline(name, RANK[state] <= RANK.READY ? 1 : 2);
    let real = Infinity;
    for (const [s, t] of Object.entries(tl.times) as [State, number][]) {
      if (s !== 'FAILED' && RANK[s] >= RANK[state] && t < real) real = t;
    }
    if (real < Infinity) return real;
    if (!strict && tl.failedAt !== undefined && !rms.get(name)!.critical) return tl.failedAt;
    return Infinity;
  };

  const dues = (rm: Rm, action: Action, partial: Timeline): number => {
    let due = -Infinity;
    for (const c of experiment.conditions as Condition[]) {
      if (c.target !== rm.name || c.action !== action) continue;
      let reached = -Infinity;
      for (const m of c.members) reached = Math.max(reached, reach(m, c.state, false, m === rm.name ? partial : undefined));
      due = Math.max(due, reached + c.delay);
    }
    return due;
  };

  const fail = (tl: Timeline, at: number, step: FailStep) => {
    tl.times.FAILED = at;
    tl.failedAt = at;
    tl.failedStep = step;
  };

  /** DEPLOY up to READY (or a failure on the way). */
  function phaseOne(rm: Rm, tl: Timeline): void {
    const deployed = experiment.deployAt?.[rm.group] ?? 0;
    let deployAt = deployed;
    if (rm.node !== undefined) {
      const node = rms.get(rm.node)!;
      const ready = reach(rm.node, 'READY', true);
      if (ready === Infinity) {
        // its node failed before READY: a non-critical failure strands it (when it is
        // deployed), a critical one aborts
        const nodeFailed = timeline(rm.node, 1).failedAt;
        if (nodeFailed !== undefined && !node.critical) fail(tl, Math.max(deployed, nodeFailed), 'deploy');
        return;
      }
      deployAt = Math.max(deployAt, ready);
      deployAt = Math.max(deployAt, dues(rm, 'DEPLOY', tl));
      // its node may fail after READY (at start, run or stop): an application not deploying
      // yet is stranded. In the node's own group with barriers, the node cannot start
      // before the application is READY (the generator keeps them together then).
      if (experiment.waitAllReady && node.group !== rm.group) throw new Error("reference model: an application outside its node's group with barriers");
      if (!node.critical && !experiment.waitAllReady) {
        const nodeFailed = timeline(rm.node, 2).failedAt;
        // a DEPLOY condition that only the node's failure satisfies holds after the failure
        const byFailure =
          nodeFailed !== undefined &&
          experiment.conditions.some(
            (c) =>
              c.target === rm.name && c.action === 'DEPLOY' && c.delay === 0 && c.members.includes(rm.node!) && reach(rm.node!, c.state, true) === Infinity,
          );
        if (nodeFailed !== undefined && (deployAt > nodeFailed || (deployAt === nodeFailed && byFailure))) {
          fail(tl, Math.max(deployed, nodeFailed), 'deploy');
          return;
        }
        if (nodeFailed !== undefined && deployAt === nodeFailed) {
          ambiguous.push(`${rm.name}: DEPLOY due as its node ${rm.node} fails, at ${deployAt}`);
        }
      }
    } else {
      deployAt = Math.max(deployAt, dues(rm, 'DEPLOY', tl));
    }
    if (deployAt === Infinity) return;
    tl.sent.DEPLOY = deployAt;
    let t = deployAt;
    for (const [step, state] of CHAIN) {
      t += rm.times[step];
      if (rm.failAt === step) {
        fail(tl, t, step);
        return;
      }
      tl.times[state] = t;
    }
  }

  /** From START on: started, then finished, stopped or failed. */
  function phaseTwo(rm: Rm, tl: Timeline): void {
    const ready = tl.times.READY;
    if (ready === undefined) return;
    let startAt = ready;
    if (experiment.waitAllReady) {
      for (const member of experiment.rms) {
        if (member.group === rm.group && member !== rm) startAt = Math.max(startAt, reach(member.name, 'READY'));
      }
    }
    startAt = Math.max(startAt, dues(rm, 'START', tl));
    if (startAt === Infinity) return;
    tl.sent.START = startAt;
    const started = startAt + rm.times.start;
    if (rm.failAt === 'start') {
      fail(tl, started, 'start');
      return;
    }
    tl.times.STARTED = started;
    const runEnd = rm.runTime !== undefined || rm.failAt === 'run' ? started + (rm.runTime ?? 0) : undefined;
    let stopAt: number | undefined;
    if (experiment.conditions.some((c) => c.target === rm.name && c.action === 'STOP')) {
      // requested at deploy
      stopAt = Math.max(started, dues(rm, 'STOP', tl));
    } else if (rm.stopAt !== undefined) {
      // requested by hand
      stopAt = Math.max(started, rm.stopAt);
    }
    if (stopAt === Infinity) stopAt = undefined;
    if (stopAt !== undefined) tl.sent.STOP = stopAt;
    if (runEnd !== undefined && (stopAt === undefined || runEnd < stopAt)) {
      if (rm.failAt === 'run') fail(tl, runEnd, 'run');
      else tl.times.FINISHED = runEnd;
    } else if (stopAt !== undefined) {
      if (runEnd === stopAt) ambiguous.push(`${rm.name}: its run ends as its STOP arrives, at ${stopAt}`);
      const stopped = stopAt + rm.times.stop;
      if (rm.failAt === 'stop') fail(tl, stopped, 'stop');
      else tl.times.STOPPED = stopped;
    }
  }

  for (const rm of experiment.rms) timeline(rm.name, 2);
  let abortAt = Infinity;
  for (const rm of experiment.rms) {
    const failedAt = timelines.get(rm.name)!.failedAt;
    if (rm.critical && failedAt !== undefined) abortAt = Math.min(abortAt, failedAt);
  }
  return { timelines, abortAt, ambiguous, reach: (name, state, strict) => reach(name, state, strict) };
}
