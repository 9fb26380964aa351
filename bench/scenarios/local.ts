/**
 * Scenario 5 of issue 8: local processes.
 *
 * N `linux::Application`s running `true` on one `linux::Node` (localhost), in a temporary run
 * directory removed afterwards, against the same N processes spawned with bare
 * `child_process.spawn('bash', ['-c', 'true'])` at the same concurrency: all at once, as the
 * engine starts them all when the deployment barrier opens. The bare spawns use the engine's
 * options (own process group, no stdio), so the difference is the engine.
 *
 * The engine is measured twice: with its defaults (stdout and stderr traces on: a folder and
 * two files per application) and with both traces disabled (the bare spawns write nothing).
 * Times: "to finished" from `deploy()` until every application is FINISHED (what is compared
 * with bare spawning); "total" adds registration and `shutdown()`. The run directory is made
 * under `--local-dir` (default: the OS's temporary folder): each application gets a folder
 * there, so the speed of that file system counts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentController } from '../../src/index.js';
import { check, type Scenario, type ScenarioResult } from '../lib/scenario.js';
import { fmt, HeapPeak, mb, seconds, summarise, type Spread } from '../lib/stats.js';

interface EngineSample {
  registerMs: number;
  toFinishedMs: number;
  shutdownMs: number;
  totalMs: number;
  peakHeapBytes: number;
}

async function engine(n: number, traces: boolean, parent: string): Promise<EngineSample> {
  const localDir = mkdtempSync(join(parent, 'nepi-bench-'));
  try {
    const peak = new HeapPeak().start();
    const t0 = performance.now();
    const ec = new ExperimentController({ expId: 'bench', localDir });
    const node = ec.registerResource('linux::Node');
    const apps: string[] = [];
    for (let i = 0; i < n; i++) {
      const app = ec.registerResource('linux::Application', { command: 'true' });
      ec.registerConnection(node, app);
      if (!traces) {
        ec.disableTrace(app, 'stdout');
        ec.disableTrace(app, 'stderr');
      }
      apps.push(app);
    }
    const t1 = performance.now();
    ec.deploy();
    await ec.waitFinished(apps);
    const t2 = performance.now();
    peak.mark();
    const summary = await ec.shutdown();
    const t3 = performance.now();
    const failures = summary.failures.length;
    if (failures > 0) throw new Error(`${failures} of ${n} applications failed: ${JSON.stringify(summary.failures[0])}`);
    return { registerMs: t1 - t0, toFinishedMs: t2 - t1, shutdownMs: t3 - t2, totalMs: t3 - t0, peakHeapBytes: peak.stop() };
  } finally {
    rmSync(localDir, { recursive: true, force: true });
  }
}

/** N `bash -c true` spawned at once, as the engine does them; resolves when all exited. */
async function bare(n: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn('bash', ['-c', 'true'], { stdio: 'ignore', detached: true });
          child.once('error', reject);
          child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`))));
        }),
    ),
  );
  return performance.now() - t0;
}

export const local: Scenario = {
  name: 'local',
  aliases: ['processes', 'spawn'],
  title: 'Local processes: linux::Application vs bare child_process.spawn (scenario 5)',
  async run({ quick, runs: runsOption, args, log }): Promise<ScenarioResult> {
    const n = Number(args['processes'] ?? (quick ? 100 : 1000));
    // where the temporary run directories go (default: the OS's temporary folder)
    const parent = args['local-dir'] ?? tmpdir();
    const runs = runsOption ?? (quick ? 2 : 5);
    const samples: { bareMs: number; traces: EngineSample; noTraces: EngineSample }[] = [];
    for (let i = 0; i < runs; i++) {
      // interleaved, so that load from elsewhere on the machine hits all three alike
      const bareMs = await bare(n);
      const traces = await engine(n, true, parent);
      const noTraces = await engine(n, false, parent);
      samples.push({ bareMs, traces, noTraces });
      log(
        `  run ${i + 1}/${runs}: bare ${seconds(bareMs)} s, engine ${seconds(traces.toFinishedMs)} s (traces), ${seconds(noTraces.toFinishedMs)} s (no traces)`,
      );
    }
    const bareS = summarise(samples.map(({ bareMs }) => ({ bareMs })))['bareMs']!;
    const row = (what: string, s: Record<string, Spread>, ratios: number[]) => ({
      what,
      'register s': seconds(s['registerMs']!.median),
      'to finished s': seconds(s['toFinishedMs']!.median),
      'spread s': seconds(s['toFinishedMs']!.spread),
      'shutdown s': seconds(s['shutdownMs']!.median),
      'total s': seconds(s['totalMs']!.median),
      'peak heap': mb(s['peakHeapBytes']!.median),
      'ratio to bare': fmt(summarise(ratios.map((r) => ({ r })))['r']!.median, 2),
    });
    const withTraces = summarise(samples.map((s) => s.traces));
    const without = summarise(samples.map((s) => s.noTraces));
    const ratioTraces = samples.map((s) => s.traces.toFinishedMs / s.bareMs);
    const ratioNone = samples.map((s) => s.noTraces.toFinishedMs / s.bareMs);
    const table = [
      {
        what: `${fmt(n)} x bare spawn('bash', ['-c', 'true'])`,
        'register s': '-',
        'to finished s': seconds(bareS.median),
        'spread s': seconds(bareS.spread),
        'shutdown s': '-',
        'total s': seconds(bareS.median),
        'peak heap': '-',
        'ratio to bare': '1.00',
      },
      row(`${fmt(n)} x linux::Application, traces on (default)`, withTraces, ratioTraces),
      row(`${fmt(n)} x linux::Application, traces off`, without, ratioNone),
    ];
    const medTraces = summarise(ratioTraces.map((r) => ({ r })))['r']!.median;
    const medNone = summarise(ratioNone.map((r) => ({ r })))['r']!.median;
    return {
      scenario: 'local',
      title: local.title,
      quick,
      params: { processes: n, runs, localDir: parent },
      table,
      notes: [
        'ratio = engine "to finished" / bare spawn, run by run, median over the runs',
        `run directories in ${parent} (--local-dir), removed after each run`,
      ],
      targets: [
        check('local processes within 1.3x of bare spawn (traces on)', medTraces, 1.3, `${fmt(medTraces, 2)}x`),
        check('local processes within 1.3x of bare spawn (traces off)', medNone, 1.3, `${fmt(medNone, 2)}x`),
      ],
      data: { samples, summary: { bare: bareS, traces: withTraces, noTraces: without } },
    };
  },
};
