/**
 * Scenario 4a of issue 8: condition latency on the real clock.
 *
 * W waiting RMs, each with a START condition on its own group of 10 member RMs reaching
 * STARTED, `time: 0`. The members (dummy::Node) take a random `startTime`, so the last member
 * of each group reaches STARTED at a different moment. Latency is the time from the last member
 * reaching STARTED to the waiting RM's action (it entering STARTED), both as stamped by the
 * clock in the `resource.state` events seen through `onStateChange`.
 */
import { ExperimentController } from '../../src/index.js';
import { check, type Scenario, type ScenarioResult } from '../lib/scenario.js';
import { delayColumns, fmt, HeapPeak, percentiles, random, summarise, type Percentiles } from '../lib/stats.js';

interface Sample {
  rms: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  minMs: number;
  wallMs: number;
  peakHeapBytes: number;
}

async function once(waiters: number, groupSize: number, lo: number, hi: number, seed: number): Promise<Sample> {
  const peak = new HeapPeak().start();
  const t0 = performance.now();
  const rnd = random(seed);
  const ec = new ExperimentController({ expId: 'bench', record: false });
  const started = new Map<string, number>();
  ec.onStateChange((event) => {
    if (event.to === 'STARTED') started.set(event.guid, event.time);
  });
  const groups: { waiter: string; members: string[] }[] = [];
  for (let w = 0; w < waiters; w++) {
    const members = Array.from({ length: groupSize }, () =>
      ec.registerResource('dummy::Node', { startTime: Math.round((lo + rnd() * (hi - lo)) * 1000) / 1000 }),
    );
    const waiter = ec.registerResource('dummy::Node');
    ec.registerCondition(waiter, 'START', members, 'STARTED', 0);
    groups.push({ waiter, members });
  }
  ec.deploy();
  await ec.waitStarted();
  peak.mark();
  await ec.shutdown();
  const wallMs = performance.now() - t0;
  const latencies = groups.map(({ waiter, members }) => {
    const last = Math.max(...members.map((m) => started.get(m)!));
    return started.get(waiter)! - last;
  });
  const p: Percentiles = percentiles(latencies);
  return {
    rms: waiters * (groupSize + 1),
    p50Ms: p.p50,
    p99Ms: p.p99,
    maxMs: p.max,
    minMs: Math.min(...latencies),
    wallMs,
    peakHeapBytes: peak.stop(),
  };
}

export const latency: Scenario = {
  name: 'latency',
  aliases: ['conditions'],
  title: 'Condition latency on the real clock (scenario 4)',
  async run({ quick, runs: runsOption, args, log }): Promise<ScenarioResult> {
    const waiters = Number(args['waiters'] ?? (quick ? 200 : 1000));
    const groupSize = 10;
    // members start after a random delay in [lo, hi] ms counted from their START
    const [lo, hi] = quick ? [200, 1200] : [500, 3000];
    const runs = runsOption ?? (quick ? 2 : 5);
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const sample = await once(waiters, groupSize, lo, hi, 1000 + i);
      samples.push(sample);
      log(`  run ${i + 1}/${runs}: p50 ${fmt(sample.p50Ms, 3)} ms, p99 ${fmt(sample.p99Ms, 3)} ms, max ${fmt(sample.maxMs, 3)} ms`);
    }
    const s = summarise(samples);
    const table = [
      {
        what: `${fmt(waiters)} RMs, each on a group of ${groupSize}, time 0`,
        RMs: fmt(s['rms']!.median),
        ...delayColumns(s),
      },
    ];
    return {
      scenario: 'latency',
      title: latency.title,
      quick,
      params: { waiters, groupSize, memberStartTimeMs: [lo, hi], runs },
      table,
      notes: [`p50/p99/max are per run; the table shows their median over ${runs} runs`],
      targets: [check('condition latency p99 < 2 ms', s['p99Ms']!.median, 2, `${fmt(s['p99Ms']!.median, 3)} ms`)],
      data: { samples, summary: s },
    };
  },
};
