/**
 * Scenario 6 of issue 8: a deep chain. N dummy::Nodes, each starting when the previous one is
 * STARTED (`time: 0`): rm[i] START waits for rm[i-1] STARTED. The figure is the time from the
 * first STARTED to the last, from `getResource(guid).times`. Registration (with its cycle
 * check at every `registerCondition`), deployment and shutdown are shown beside it.
 */
import { ExperimentController } from '../../src/index.js';
import { check, type Scenario, type ScenarioResult } from '../lib/scenario.js';
import { fmt, HeapPeak, mb, seconds, summarise } from '../lib/stats.js';

interface Sample {
  registerMs: number;
  deployToFirstMs: number;
  firstToLastMs: number;
  shutdownMs: number;
  totalMs: number;
  peakHeapBytes: number;
}

async function once(n: number): Promise<Sample> {
  const peak = new HeapPeak().start();
  const t0 = performance.now();
  const ec = new ExperimentController({ expId: 'bench', record: false });
  const chain: string[] = [];
  for (let i = 0; i < n; i++) {
    const guid = ec.registerResource('dummy::Node');
    if (i > 0) ec.registerCondition(guid, 'START', chain[i - 1]!, 'STARTED', 0);
    chain.push(guid);
  }
  const t1 = performance.now();
  const deployedAt = ec.clock.now();
  ec.deploy();
  await ec.waitStarted(chain.at(-1));
  const t2 = performance.now();
  peak.mark();
  const first = ec.getResource(chain[0]!).times.STARTED!;
  const last = ec.getResource(chain.at(-1)!).times.STARTED!;
  await ec.shutdown();
  const t3 = performance.now();
  return {
    registerMs: t1 - t0,
    deployToFirstMs: first - deployedAt,
    firstToLastMs: last - first,
    shutdownMs: t3 - t2,
    totalMs: t3 - t0,
    peakHeapBytes: peak.stop(),
  };
}

export const chain: Scenario = {
  name: 'chain',
  aliases: ['deep', 'chains'],
  title: 'Deep chain of START conditions (scenario 6)',
  async run({ quick, runs: runsOption, args, log }): Promise<ScenarioResult> {
    const n = Number(args['length'] ?? (quick ? 1000 : 10_000));
    const runs = runsOption ?? (quick ? 2 : 3);
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const s = await once(n);
      samples.push(s);
      log(`  run ${i + 1}/${runs}: register ${seconds(s.registerMs)} s, first→last ${seconds(s.firstToLastMs)} s`);
    }
    const s = summarise(samples);
    const last = s['firstToLastMs']!.median;
    return {
      scenario: 'chain',
      title: chain.title,
      quick,
      params: { length: n, runs },
      table: [
        {
          what: `chain of ${fmt(n)} START conditions, time 0`,
          'register s': seconds(s['registerMs']!.median),
          'deploy→first s': seconds(s['deployToFirstMs']!.median),
          'first→last s': seconds(last),
          'spread s': seconds(s['firstToLastMs']!.spread),
          'µs/link': fmt((last * 1000) / Math.max(1, n - 1), 1),
          'shutdown s': seconds(s['shutdownMs']!.median),
          'total s': seconds(s['totalMs']!.median),
          'peak heap': mb(s['peakHeapBytes']!.median),
        },
      ],
      notes: [],
      targets: n === 10_000 ? [check('10,000-long chain: first to last start < 1 s', last, 1000, `${seconds(last)} s`)] : [],
      data: { samples, summary: s },
    };
  },
};
