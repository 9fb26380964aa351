/**
 * Scenarios 1-3 of issue 8: NEPI's scale benchmark, the bare-XState baseline measured in the
 * same run, and growth with size.
 *
 * N x M is N `dummy::Node`s with M `dummy::Application`s each, every step time zero and every
 * application `runTime: 0` (it runs a `run` step that ends at once). One controller on the real
 * clock, `record: false`, takes them through the whole lifecycle:
 *
 * - deploy: from `new ExperimentController()` through registering every resource and
 *   connection and `deploy()`, until `waitDeployed()` resolves;
 * - run: until every application is FINISHED;
 * - release: `shutdown()`, every resource RELEASED and every actor stopped.
 *
 * The baseline takes the same number of bare XState actors (no engine around them) through the
 * same transitions: NEW → DISCOVERED → PROVISIONED → READY → STARTED (applications invoke a
 * `fromPromise` run step that resolves at once → FINISHED) → RELEASED, then stops them.
 * A second, "plain" baseline (every state change a plain transition, no invoked actor, as in
 * the issue's orientation figure: 51,000 actors x 6 transitions and a stop) is measured too;
 * both ratios are reported (see docs/benchmarks.md for which target each one answers).
 *
 * Heap per RM is the growth of heapUsed after a forced GC, from before the controller exists
 * to when every resource is READY (the applications' run steps are then in flight), and again
 * once every application is FINISHED. The forced GCs are outside the timed phases.
 */
import { createActor, createMachine, fromPromise, setup } from 'xstate';
import { ExperimentController } from '../../src/index.js';
import { check, type Scenario, type ScenarioResult, type TargetCheck } from '../lib/scenario.js';
import { fmt, HeapPeak, kb, mb, seconds, settledHeap, summarise, type Spread } from '../lib/stats.js';

interface EngineSample {
  rms: number;
  deployMs: number;
  runMs: number;
  releaseMs: number;
  totalMs: number;
  /** heapUsed growth per RM once every resource is READY (applications' run steps in flight). */
  heapPerRmBytes: number;
  /** The same once every application is FINISHED (no step actor left). */
  heapFinishedPerRmBytes: number;
  peakHeapBytes: number;
}

interface Sample extends EngineSample {
  bareMs: number;
  ratio: number;
  plainMs: number;
  plainRatio: number;
}

async function engine(nodes: number, apps: number): Promise<EngineSample> {
  const before = settledHeap();
  const peak = new HeapPeak().start();
  const t0 = performance.now();
  const ec = new ExperimentController({ expId: 'bench', record: false });
  const applications: string[] = [];
  for (let n = 0; n < nodes; n++) {
    const node = ec.registerResource('dummy::Node');
    for (let a = 0; a < apps; a++) {
      const app = ec.registerResource('dummy::Application', { runTime: 0 });
      ec.registerConnection(node, app);
      applications.push(app);
    }
  }
  ec.deploy();
  await ec.waitDeployed();
  const t1 = performance.now();
  peak.mark();
  // heap per RM: what every resource, READY, holds (forced GC outside the timed phases)
  const ready = settledHeap();
  const t1b = performance.now();
  await ec.waitFinished(applications);
  const t2 = performance.now();
  peak.mark();
  const finished = settledHeap();
  const t2b = performance.now();
  await ec.shutdown();
  const t3 = performance.now();
  const rms = nodes * (apps + 1);
  const deployMs = t1 - t0;
  const runMs = t2 - t1b;
  const releaseMs = t3 - t2b;
  return {
    rms,
    deployMs,
    runMs,
    releaseMs,
    totalMs: deployMs + runMs + releaseMs,
    heapPerRmBytes: Math.round((ready - before) / rms),
    heapFinishedPerRmBytes: Math.round((finished - before) / rms),
    peakHeapBytes: peak.stop(),
  };
}

const bareMachine = setup({
  types: { context: {} as { app: boolean; finished: () => void }, input: {} as { app: boolean; finished: () => void } },
  actors: { run: fromPromise(async () => {}) },
  guards: { isApp: ({ context }) => context.app },
  actions: { finished: ({ context }) => context.finished() },
}).createMachine({
  id: 'bare',
  context: ({ input }) => input,
  initial: 'NEW',
  on: { RELEASE: '.RELEASED' },
  states: {
    NEW: { on: { DEPLOY: 'DISCOVERED' } },
    DISCOVERED: { always: 'PROVISIONED' },
    PROVISIONED: { always: 'READY' },
    READY: { on: { START: 'STARTED' } },
    STARTED: {
      initial: 'idle',
      states: {
        idle: { always: { guard: 'isApp', target: 'running' } },
        running: { invoke: { src: 'run', onDone: '#bare.FINISHED' } },
      },
    },
    FINISHED: { entry: 'finished' },
    RELEASED: { type: 'final' },
  },
});

/** Bare actors through the engine's transitions: nodes stay STARTED, applications run and finish. */
async function bare(nodes: number, apps: number): Promise<number> {
  const t0 = performance.now();
  let left = nodes * apps;
  let done!: () => void;
  const allFinished = new Promise<void>((resolve) => (done = resolve));
  const finished = () => {
    if (--left === 0) done();
  };
  const actors = [];
  for (let n = 0; n < nodes; n++) {
    actors.push(createActor(bareMachine, { input: { app: false, finished } }).start());
    for (let a = 0; a < apps; a++) actors.push(createActor(bareMachine, { input: { app: true, finished } }).start());
  }
  for (const actor of actors) actor.send({ type: 'DEPLOY' });
  for (const actor of actors) actor.send({ type: 'START' });
  await allFinished;
  for (const actor of actors) actor.send({ type: 'RELEASE' });
  for (const actor of actors) actor.stop();
  return performance.now() - t0;
}

const plainMachine = createMachine({
  initial: 'NEW',
  states: {
    NEW: { on: { DEPLOY: 'DISCOVERED' } },
    DISCOVERED: { always: 'PROVISIONED' },
    PROVISIONED: { always: 'READY' },
    READY: { on: { START: 'STARTED' } },
    STARTED: { always: 'FINISHED' },
    FINISHED: { on: { RELEASE: 'RELEASED' } },
    RELEASED: { type: 'final' },
  },
});

/** The orientation figure: 6 plain transitions and a stop per actor. */
function plain(rms: number): number {
  const t0 = performance.now();
  const actors = Array.from({ length: rms }, () => createActor(plainMachine).start());
  for (const type of ['DEPLOY', 'START', 'RELEASE']) for (const actor of actors) actor.send({ type });
  for (const actor of actors) actor.stop();
  return performance.now() - t0;
}

function parseSizes(text: string): { nodes: number; apps: number }[] {
  return text.split(',').map((size) => {
    const [nodes, apps] = size.split('x').map(Number);
    if (!Number.isInteger(nodes) || !Number.isInteger(apps)) throw new Error(`bad size '${size}': expected NODESxAPPS`);
    return { nodes: nodes!, apps: apps! };
  });
}

export const scale: Scenario = {
  name: 'scale',
  aliases: ['baseline', 'growth'],
  title: 'NEPI scale benchmark, bare-XState baseline and growth (scenarios 1-3)',
  async run({ quick, runs: runsOption, args, log }): Promise<ScenarioResult> {
    const sizes = parseSizes(args['sizes'] ?? (quick ? '20x50,100x50' : '20x50,100x50,200x50,1000x50,2000x50'));
    const runs = runsOption ?? 3;
    const results: { size: string; nodes: number; apps: number; samples: Sample[]; summary: Record<string, Spread> }[] = [];
    for (const { nodes, apps } of sizes) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        const e = await engine(nodes, apps);
        settledHeap();
        // --baselines no: the engine alone (to profile it)
        const baselines = args['baselines'] !== 'no';
        const bareMs = baselines ? await bare(nodes, apps) : Number.NaN;
        settledHeap();
        const plainMs = baselines ? plain(e.rms) : Number.NaN;
        settledHeap();
        samples.push({ ...e, bareMs, ratio: e.totalMs / bareMs, plainMs, plainRatio: e.totalMs / plainMs });
        log(`  ${nodes}x${apps} run ${i + 1}/${runs}: engine ${seconds(e.totalMs)} s, bare ${seconds(bareMs)} s, plain ${seconds(plainMs)} s`);
      }
      results.push({ size: `${nodes}x${apps}`, nodes, apps, samples, summary: summarise(samples) });
    }

    const table = results.map(({ size, summary: s }) => ({
      size,
      RMs: fmt(s['rms']!.median),
      'deploy s': seconds(s['deployMs']!.median),
      'run s': seconds(s['runMs']!.median),
      'release s': seconds(s['releaseMs']!.median),
      'total s': seconds(s['totalMs']!.median),
      'spread s': seconds(s['totalMs']!.spread),
      'µs/RM': fmt((s['totalMs']!.median * 1000) / s['rms']!.median),
      'heap/RM': kb(s['heapPerRmBytes']!.median),
      'heap/RM finished': kb(s['heapFinishedPerRmBytes']!.median),
      'peak heap': mb(s['peakHeapBytes']!.median),
      'bare s': seconds(s['bareMs']!.median),
      ratio: fmt(s['ratio']!.median, 2),
      'plain s': seconds(s['plainMs']!.median),
      'ratio plain': fmt(s['plainRatio']!.median, 2),
    }));

    const notes: string[] = [];
    const targets: TargetCheck[] = [];
    const bySize = (rms: number) => results.find((r) => r.summary['rms']!.median === rms)?.summary;
    const at51k = bySize(51_000);
    if (at51k) {
      const total = at51k['totalMs']!.median;
      const heap = at51k['heapPerRmBytes']!.median;
      targets.push(check('51,000 RMs: full lifecycle < 5 s', total, 5000, `${seconds(total)} s`));
      targets.push(check('51,000 RMs: heap per RM < 4 KB', heap, 4096, kb(heap)));
    }
    const largest = results.at(-1)!.summary;
    // the ratio at 51,000 RMs when that size ran, else at the largest size
    const forRatio = at51k ?? largest;
    const rmsShown = fmt(forRatio['rms']!.median);
    targets.push(
      check(`engine / bare XState, same steps < 3 (${rmsShown} RMs)`, forRatio['ratio']!.median, 3, fmt(forRatio['ratio']!.median, 2)),
      check(`engine / bare XState, plain transitions < 3 (${rmsShown} RMs)`, forRatio['plainRatio']!.median, 3, fmt(forRatio['plainRatio']!.median, 2)),
    );
    // growth: time(102k) / time(10k) when both ran, else largest / smallest
    const small = bySize(10_200) ?? results[0]!.summary;
    const big = bySize(102_000) ?? largest;
    const growth = big['totalMs']!.median / small['totalMs']!.median;
    const bareGrowth = big['bareMs']!.median / small['bareMs']!.median;
    const sizeRatio = big['rms']!.median / small['rms']!.median;
    const label = `time(${fmt(big['rms']!.median)}) / time(${fmt(small['rms']!.median)})`;
    notes.push(
      `growth: ${label} = ${fmt(growth, 2)} for ${fmt(sizeRatio, 1)}x the RMs (bare XState: ${fmt(bareGrowth, 2)}; plain: ${fmt(
        big['plainMs']!.median / small['plainMs']!.median,
        2,
      )})`,
    );
    if (bySize(102_000) && bySize(10_200)) targets.push(check('growth: time(102k) / time(10k) < 12', growth, 12, fmt(growth, 2)));
    return {
      scenario: 'scale',
      title: scale.title,
      quick,
      params: { sizes: sizes.map(({ nodes, apps }) => `${nodes}x${apps}`), runs },
      table,
      notes,
      targets,
      data: { growth: { label, value: growth, bare: bareGrowth }, results },
    };
  },
};
