/**
 * NEPI's scale benchmark: N nodes x M applications of dummy resources with zero step times,
 * taken through the full lifecycle (deploy, start, finish, release, shutdown), timed per
 * phase, against the same number of bare XState actors taken through the same transitions.
 *
 *   npm run bench -- [--nodes 1000] [--apps 50] [--runs 3] [--json FILE]
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

const nodes = arg('nodes', 1000);
const apps = arg('apps', 50);
const runs = arg('runs', 3);
const samples: Sample[] = [];
for (let i = 0; i < runs; i++) {
  const result = await engine(nodes, apps);
  const baselineMs = baseline(result.rms);
  samples.push({ ...result, baselineMs, ratio: result.totalMs / baselineMs });
}
const summary = Object.fromEntries(
  (Object.keys(samples[0]!) as (keyof Sample)[]).map((key) => {
    const values = samples.map((s) => s[key]);
    return [key, { median: median(values), min: Math.min(...values), max: Math.max(...values) }];
  }),
);
console.table(summary);
const jsonIndex = process.argv.indexOf('--json');
if (jsonIndex >= 0) writeFileSync(process.argv[jsonIndex + 1]!, JSON.stringify({ nodes, apps, runs, samples, summary }, null, 2));
