/**
 * Random experiments of dummy resources for the property tests: their plain description, the
 * fast-check arbitraries that generate them, and how a description is built on a controller.
 *
 * A generated *seed* is made of numbers that fast-check shrinks well (indices taken modulo
 * the number of resources); `interpret` turns it into an experiment whose conditions can all
 * hold: members come before their target in a random order (applications after their node),
 * and a condition waits for STOPPED or FINISHED only on resources that get there.
 */
import fc from 'fast-check';
import type { ExperimentController } from '../../src/index.js';
import type { VirtualClock } from '../../src/testing/index.js';

export const TIMED_STEPS = ['discover', 'provision', 'deploy', 'start', 'stop', 'release'] as const;
export type TimedStep = (typeof TIMED_STEPS)[number];
export type FailStep = TimedStep | 'run';
export type Action = 'DEPLOY' | 'START' | 'STOP';
export type CondState = 'DISCOVERED' | 'PROVISIONED' | 'READY' | 'STARTED' | 'STOPPED' | 'FINISHED';

export interface Rm {
  readonly name: string;
  readonly kind: 'node' | 'app';
  /** The node of an application. */
  readonly node?: string;
  /** Its deployment group: groups are deployed in order, all at time 0. */
  readonly group: number;
  readonly times: Readonly<Record<TimedStep, number>>;
  readonly runTime?: number;
  readonly failAt: FailStep | 'none';
  readonly critical: boolean;
  /** When `ec.stop()` is called for it, by hand (after its group is deployed). */
  readonly stopAt?: number;
}

export interface Condition {
  readonly target: string;
  readonly action: Action;
  readonly members: readonly string[];
  readonly state: CondState;
  readonly delay: number;
}

export interface Experiment {
  readonly rms: readonly Rm[];
  readonly conditions: readonly Condition[];
  readonly waitAllReady: boolean;
  /** When each deployment group is deployed (by group number; default 0). */
  readonly deployAt?: readonly number[];
}

// ---------------------------------------------------------------------------------------
// Seeds

export interface RmSeed {
  readonly node: number;
  readonly order: number;
  readonly group: number;
  readonly times: Readonly<Record<TimedStep, number>>;
  readonly runTime: number | undefined;
  readonly failAt: FailStep | 'none';
  readonly critical: boolean;
  /** How long after its group is deployed (plus 1 ms) `ec.stop()` is called for it. */
  readonly manualStop: number | undefined;
}

export interface CondSeed {
  readonly target: number;
  readonly members: readonly number[];
  readonly action: Action;
  readonly state: CondState;
  readonly delay: number;
}

export interface ExperimentSeed {
  readonly nodes: readonly RmSeed[];
  readonly apps: readonly RmSeed[];
  readonly conditions: readonly CondSeed[];
  readonly waitAllReady: boolean;
  /** How long after the previous group groups 1 and 2 are deployed. */
  readonly groupDelays: readonly [number, number];
}

const duration = (max: number) => fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max }) });

export interface SeedShape {
  /** fast-check's size for the arrays (default 'medium'): 'max' to reach the maximum lengths. */
  readonly size?: fc.SizeForArbitrary;
  /** Most nodes and applications. */
  readonly maxNodes: number;
  readonly maxApps: number;
  readonly minApps?: number;
  readonly maxConditions: number;
  /** One resource in `failOneIn` gets a failAt (default 8). */
  readonly failOneIn?: number;
}

export function rmSeed(failOneIn = 8): fc.Arbitrary<RmSeed> {
  return fc.record({
    node: fc.nat(),
    order: fc.nat({ max: 1000 }),
    group: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
    times: fc.record({
      discover: duration(3000),
      provision: duration(3000),
      deploy: duration(3000),
      start: duration(2000),
      stop: duration(2000),
      release: duration(2000),
    }),
    runTime: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined, freq: 2 }),
    failAt: fc.oneof(
      { weight: failOneIn - 1, arbitrary: fc.constant('none' as const) },
      { weight: 1, arbitrary: fc.constantFrom<FailStep>(...TIMED_STEPS, 'run') },
    ),
    critical: fc.boolean(),
    manualStop: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined, freq: 4 }),
  });
}

export function condSeed(): fc.Arbitrary<CondSeed> {
  return fc.record({
    target: fc.nat(),
    members: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    action: fc.constantFrom<Action>('DEPLOY', 'START', 'START', 'STOP'),
    state: fc.constantFrom<CondState>('DISCOVERED', 'PROVISIONED', 'READY', 'READY', 'STARTED', 'STARTED', 'STOPPED', 'FINISHED'),
    delay: duration(5000),
  });
}

export function experimentSeed(shape: SeedShape): fc.Arbitrary<ExperimentSeed> {
  return fc.record({
    nodes: fc.array(rmSeed(shape.failOneIn), { minLength: 1, maxLength: shape.maxNodes, size: shape.size ?? 'medium' }),
    apps: fc.array(rmSeed(shape.failOneIn), { minLength: shape.minApps ?? 0, maxLength: shape.maxApps, size: shape.size ?? 'medium' }),
    conditions: fc.array(condSeed(), { maxLength: shape.maxConditions, size: shape.size ?? 'medium' }),
    waitAllReady: fc.boolean(),
    groupDelays: fc.tuple(duration(5000), duration(5000)),
  });
}

const RANK: Record<CondState, number> = { DISCOVERED: 1, PROVISIONED: 2, READY: 3, STARTED: 4, STOPPED: 5, FINISHED: 6 };

/** The experiment a seed stands for: every condition can hold, none closes a cycle. */
export function interpret(seed: ExperimentSeed): Experiment {
  const nodes: (Rm & { order: number })[] = seed.nodes.map((s, i) => ({ ...fromSeed(s, `n${i}`, 'node'), order: s.order }));
  const apps: (Rm & { order: number })[] = seed.apps.map((s, i) => {
    const node = nodes[s.node % nodes.length]!;
    // an application comes after its node, and is deployed with it or later; with
    // deployment barriers, with it (see the reference model on applications stranded by a
    // node failing after READY)
    const group = seed.waitAllReady ? node.group : Math.max(s.group, node.group);
    return { ...fromSeed(s, `a${i}`, 'app'), node: node.name, group, order: Math.max(s.order, node.order) };
  });
  const groupTimes = [0, seed.groupDelays[0], seed.groupDelays[0] + seed.groupDelays[1]];
  const withStops = (rm: Rm & { order: number }, s: RmSeed): Rm & { order: number } =>
    s.manualStop === undefined ? rm : { ...rm, stopAt: groupTimes[rm.group]! + 1 + s.manualStop };
  nodes.splice(0, nodes.length, ...nodes.map((rm, i) => withStops(rm, seed.nodes[i]!)));
  apps.splice(0, apps.length, ...apps.map((rm, i) => withStops(rm, seed.apps[i]!)));
  const all = [...nodes, ...apps];
  const sorted = [...all].sort((a, b) => a.order - b.order || Number(a.kind === 'app') - Number(b.kind === 'app') || all.indexOf(a) - all.indexOf(b));
  const position = new Map(sorted.map((rm, i) => [rm.name, i]));
  const hasStop = new Set<string>();
  /** Reaches STOPPED (or counts as such) without anybody releasing it. */
  const ends = (rm: Rm) =>
    rm.runTime !== undefined || ['discover', 'provision', 'deploy', 'start', 'run'].includes(rm.failAt) || hasStop.has(rm.name) || rm.stopAt !== undefined;
  const conditions: Condition[] = [];
  const seeds = seed.conditions
    .map((c) => ({ ...c, target: all[c.target % all.length]! }))
    .sort((a, b) => position.get(a.target.name)! - position.get(b.target.name)!);
  for (const c of seeds) {
    const target = c.target;
    const self = c.action === 'STOP';
    let members = [...new Set(c.members.map((i) => all[i % all.length]!))].filter(
      (m) => m.group <= target.group && (position.get(m.name)! < position.get(target.name)! || (self && m === target)),
    );
    if (members.length === 0) continue;
    let state = c.state;
    const reaches = (m: Rm, s: CondState) => {
      if (m === target) return RANK[s] <= RANK.STARTED; // STOP on itself: READY or STARTED
      if (s === 'STOPPED') return ends(m);
      if (s === 'FINISHED') return m.runTime !== undefined && !hasStop.has(m.name) && m.stopAt === undefined;
      return true;
    };
    if (!members.every((m) => reaches(m, state))) state = 'STARTED';
    // with deployment barriers a DEPLOY may not wait for anything that needs a START
    if (c.action === 'DEPLOY' && seed.waitAllReady && RANK[state] > RANK.READY) state = 'READY';
    members = members.filter((m) => reaches(m, state));
    if (members.length === 0) continue;
    conditions.push({ target: target.name, action: c.action, members: members.map((m) => m.name), state, delay: c.delay });
    if (c.action === 'STOP') hasStop.add(target.name);
  }
  return {
    rms: all.map(({ order: _order, ...rm }) => rm),
    conditions,
    waitAllReady: seed.waitAllReady,
    deployAt: groupTimes,
  };
}

function fromSeed(s: RmSeed, name: string, kind: 'node' | 'app'): Rm {
  return {
    name,
    kind,
    group: s.group,
    times: s.times,
    ...(s.runTime !== undefined ? { runTime: s.runTime } : {}),
    failAt: s.failAt,
    critical: s.critical,
  };
}

// ---------------------------------------------------------------------------------------
// Building it on a controller

/** The deployment groups, in the order they are deployed, with their deploy time. */
export function groupsOf(experiment: Experiment): { group: number; at: number; members: string[] }[] {
  const groups: { group: number; at: number; members: string[] }[] = [];
  for (const rm of experiment.rms) {
    let entry = groups.find((g) => g.group === rm.group);
    if (!entry) groups.push((entry = { group: rm.group, at: experiment.deployAt?.[rm.group] ?? 0, members: [] }));
    entry.members.push(rm.name);
  }
  return groups.sort((a, b) => a.group - b.group);
}

/** Register every resource, connection and condition (not deployed yet). */
export function register(ec: ExperimentController, experiment: Experiment): void {
  for (const rm of experiment.rms) {
    const attributes: Record<string, unknown> = { critical: rm.critical, failAt: rm.failAt };
    for (const step of TIMED_STEPS) attributes[`${step}Time`] = rm.times[step];
    if (rm.runTime !== undefined) attributes['runTime'] = rm.runTime;
    ec.registerResource(rm.kind === 'node' ? 'dummy::Node' : 'dummy::Application', attributes, { name: rm.name });
    if (rm.node !== undefined) ec.registerConnection(rm.node, rm.name);
  }
  for (const c of experiment.conditions) ec.registerCondition(c.target, c.action, [...c.members], c.state, c.delay);
}

/** Call `ec.stop()` at each resource's `stopAt` (scheduled on `clock`; refused calls are ignored). */
export function scheduleStops(ec: ExperimentController, clock: VirtualClock, experiment: Experiment): void {
  for (const rm of experiment.rms) {
    if (rm.stopAt === undefined) continue;
    clock.setTimeout(() => {
      try {
        ec.stop(rm.name);
      } catch {
        /* aborted or shut down meanwhile */
      }
    }, rm.stopAt - clock.now());
  }
}

/** Deploy every group at its time, moving `clock` on; stops at an abort. */
export async function deployAll(ec: ExperimentController, clock: VirtualClock, experiment: Experiment): Promise<void> {
  for (const { group, at, members } of groupsOf(experiment)) {
    if (at > clock.now()) await clock.advance(at - clock.now());
    if (ec.status !== 'running') return;
    ec.deploy(members, { group: `g${group}`, waitAllReady: experiment.waitAllReady });
  }
}

/** The experiment as TypeScript, for a regression test. */
export function toSource(experiment: Experiment): string {
  return JSON.stringify(experiment, null, 2);
}
