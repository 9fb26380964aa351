/**
 * NEPI's scale benchmark: N nodes x M applications of dummy resources with zero step times,
 * taken through the full lifecycle (deploy, start, finish, release, shutdown), timed per
 * phase, against the same number of bare XState actors taken through the same transitions.
 *
 *   npm run bench -- [--sizes 20x50,200x50,1000x50,2000x50] [--runs 3] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { createActor, createMachine } from 'xstate';
import { ExperimentController } from '../src/index.js';

interface Sample {
  rms: number;
  deployMs: number;
  runMs: number;
  releaseMs: number;
  totalMs: number;
  heapPerRmBytes: number;
  baselineMs: number;
  ratio: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function heap(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

async function engine(nodes: number, apps: number): Promise<Omit<Sample, 'baselineMs' | 'ratio'>> {
  const before = heap();
  const t0 = performance.now();
  const ec = new ExperimentController({ expId: 'bench', record: false });
  for (let n = 0; n < nodes; n++) {
    const node = ec.registerResource('dummy::Node');
    for (let a = 0; a < apps; a++) {
      const app = ec.registerResource('dummy::Application', { runTime: 0 });
      ec.registerConnection(node, app);
    }
  }
  ec.deploy();
  await ec.waitDeployed();
  const t1 = performance.now();
  const peak = heap();
  await ec.waitFinished(ec.resources.filter((guid) => guid.startsWith('application')));
  const t2 = performance.now();
  await ec.shutdown();
  const t3 = performance.now();
  const rms = nodes * (apps + 1);
  return {
    rms,
    deployMs: t1 - t0,
    runMs: t2 - t1,
    releaseMs: t3 - t2,
    totalMs: t3 - t0,
    heapPerRmBytes: Math.round((peak - before) / rms),
  };
}

/** The same number of bare actors through NEW→DISCOVERED→PROVISIONED→READY→STARTED→FINISHED→RELEASED. */
function baseline(rms: number): number {
  const machine = createMachine({
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
  const t0 = performance.now();
  const actors = Array.from({ length: rms }, () => createActor(machine).start());
  for (const type of ['DEPLOY', 'START', 'RELEASE']) for (const actor of actors) actor.send({ type });
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// sizes as NODESxAPPS, e.g. --sizes 20x50,200x50,1000x50,2000x50
const sizes = (option('sizes') ?? `${arg('nodes', 1000)}x${arg('apps', 50)}`).split(',').map((size) => {
  const [n, m] = size.split('x').map(Number);
  return { nodes: n!, apps: m! };
});
const runs = arg('runs', 3);
const rows: Record<string, unknown>[] = [];
const results: { nodes: number; apps: number; samples: Sample[] }[] = [];
for (const { nodes, apps } of sizes) {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await engine(nodes, apps);
    const baselineMs = baseline(result.rms);
    samples.push({ ...result, baselineMs, ratio: result.totalMs / baselineMs });
  }
  results.push({ nodes, apps, samples });
  const med = (key: keyof Sample) => median(samples.map((s) => s[key]));
  const spread = (key: keyof Sample) => Math.max(...samples.map((s) => s[key])) - Math.min(...samples.map((s) => s[key]));
  rows.push({
    size: `${nodes}x${apps}`,
    rms: med('rms'),
    'deploy s': (med('deployMs') / 1000).toFixed(2),
    'run s': (med('runMs') / 1000).toFixed(2),
    'release s': (med('releaseMs') / 1000).toFixed(2),
    'total s': (med('totalMs') / 1000).toFixed(2),
    'spread s': (spread('totalMs') / 1000).toFixed(2),
    'heap/RM B': med('heapPerRmBytes'),
    'bare XState s': (med('baselineMs') / 1000).toFixed(2),
    ratio: med('ratio').toFixed(2),
  });
}
console.table(rows);
const jsonPath = option('json');
if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ runs, results, rows }, null, 2));
