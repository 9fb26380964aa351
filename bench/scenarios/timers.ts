/**
 * Scenario 4b of issue 8: timer precision on the real clock.
 *
 * - conditions: N RMs, each with a START condition "when `trigger` is STARTED, `time: d`",
 *   d spread geometrically from 10 ms to 2 s. Lateness is the RM's STARTED time minus
 *   (trigger's STARTED time + d), from `getResource(guid).times`. These go through the
 *   controller's deadline heap and its one XState delayed event.
 * - step sleeps: N dummy::Applications with `runTime: d` (a step sleeping on the clock).
 *   Lateness is FINISHED - STARTED - d.
 */
import { ExperimentController } from '../../src/index.js';
import { check, type Scenario, type ScenarioResult } from '../lib/scenario.js';
import { delayColumns, fmt, HeapPeak, percentiles, summarise } from '../lib/stats.js';

interface Sample {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  minMs: number;
  wallMs: number;
  peakHeapBytes: number;
}

function delays(n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(from * (to / from) ** (n === 1 ? 0 : i / (n - 1)) * 1000) / 1000);
}

function sample(lateness: number[], wallMs: number, peakHeapBytes: number): Sample {
  const p = percentiles(lateness);
  return { p50Ms: p.p50, p99Ms: p.p99, maxMs: p.max, minMs: Math.min(...lateness), wallMs, peakHeapBytes };
}

async function conditions(ds: number[]): Promise<Sample> {
  const peak = new HeapPeak().start();
  const t0 = performance.now();
  const ec = new ExperimentController({ expId: 'bench', record: false });
  const trigger = ec.registerResource('dummy::Node');
  const waiters = ds.map((d) => {
    const guid = ec.registerResource('dummy::Node');
    ec.registerCondition(guid, 'START', trigger, 'STARTED', d);
    return guid;
  });
  ec.deploy();
  await ec.waitStarted();
  peak.mark();
  const base = ec.getResource(trigger).times.STARTED!;
  const lateness = waiters.map((guid, i) => ec.getResource(guid).times.STARTED! - (base + ds[i]!));
  await ec.shutdown();
  return sample(lateness, performance.now() - t0, peak.stop());
}

async function sleeps(ds: number[]): Promise<Sample> {
  const peak = new HeapPeak().start();
  const t0 = performance.now();
  const ec = new ExperimentController({ expId: 'bench', record: false });
  const node = ec.registerResource('dummy::Node');
  const apps = ds.map((d) => {
    const guid = ec.registerResource('dummy::Application', { runTime: d });
    ec.registerConnection(node, guid);
    return guid;
  });
  ec.deploy();
  await ec.waitFinished(apps);
  peak.mark();
  const lateness = apps.map((guid, i) => {
    const { times } = ec.getResource(guid);
    return times.FINISHED! - times.STARTED! - ds[i]!;
  });
  await ec.shutdown();
  return sample(lateness, performance.now() - t0, peak.stop());
}

export const timers: Scenario = {
  name: 'timers',
  aliases: ['timer', 'precision'],
  title: 'Timer precision on the real clock (scenario 4)',
  async run({ quick, runs: runsOption, args, log }): Promise<ScenarioResult> {
    const n = Number(args['timers'] ?? (quick ? 200 : 1000));
    const [from, to] = quick ? [10, 500] : [10, 2000];
    const ds = delays(n, from, to);
    const runs = runsOption ?? (quick ? 2 : 5);
    const kinds = { 'START condition with time d': conditions, 'step sleeping d (runTime)': sleeps } as const;
    const results: Record<string, { samples: Sample[] }> = {};
    const table: Record<string, string>[] = [];
    const summaries: Record<string, ReturnType<typeof summarise>> = {};
    for (const [what, fn] of Object.entries(kinds)) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        const s = await fn(ds);
        samples.push(s);
        log(`  ${what} run ${i + 1}/${runs}: p50 ${fmt(s.p50Ms, 3)} ms, p99 ${fmt(s.p99Ms, 3)} ms, max ${fmt(s.maxMs, 3)} ms`);
      }
      const s = summarise(samples);
      summaries[what] = s;
      results[what] = { samples };
      table.push({
        what: `${fmt(n)} x ${what}, d ${fmt(from)} ms..${fmt(to / 1000, 1)} s`,
        ...delayColumns(s),
      });
    }
    const cond = summaries['START condition with time d']!;
    return {
      scenario: 'timers',
      title: timers.title,
      quick,
      params: { n, delaysMs: [from, to], runs },
      table,
      notes: [`lateness = actual - due; p50/p99/max are per run, the table shows their median over ${runs} runs`],
      targets: [check('timer lateness p99 < 5 ms', cond['p99Ms']!.median, 5, `${fmt(cond['p99Ms']!.median, 3)} ms`)],
      data: { results, summaries },
    };
  },
};
