import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CampaignError, readCampaign, resumeCampaign, runExperiment, type CampaignEvent, type ExperimentFactory } from '../../src/campaign/index.js';
import { registerCleaner } from '../../src/backends/cleanup.js';
import { ExperimentController, ExperimentFileError } from '../../src/index.js';
import { expectResultsAgree, useTempDir, writeDummyExperiment } from './fixtures.js';

const tmp = useTempDir();
const SEQUENCE = [10, 10, 10, 10, 12, 10, 12, 10, 10, 11, 10, 10, 10, 10, 10];

describe('runExperiment', () => {
  it('runs exactly max-runs times without a metric, each run with its own id and directory', async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    const result = await runExperiment(file, { maxRuns: 10, dir });
    expect(result).toMatchObject({ status: 'done', runs: 10, samples: [], failedRuns: 0 });
    expect(result.interval).toBeUndefined();
    expect(result.combinations[0]).toMatchObject({ stopped: 'max-runs', runs: 10 });
    const { state } = readCampaign(dir);
    const runs = state.combinations[0]!.runs;
    expect(runs.map((r) => r.run)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(10);
    for (const run of runs) {
      expect(run.runDir).toBe(join(dir, 'runs', 'dummy', run.runId));
      // every run was released before the next began
      const summary = JSON.parse(readFileSync(join(run.runDir, 'summary.json'), 'utf8'));
      expect(summary.status).toBe('released');
      expect(summary.resources.app.state).toBe('RELEASED');
    }
    expect(runs.every((r) => r.status === 'ok' && r.durationMs! >= 0)).toBe(true);
    expect(expectResultsAgree(dir)).toHaveLength(10);
  });

  it("stops NEPI's sample sequence at run 10 with min-runs 5 and returns the interval", async () => {
    const file = writeDummyExperiment(tmp.path);
    const result = await runExperiment(file, {
      minRuns: 5,
      maxRuns: 15,
      metric: ({ run }) => SEQUENCE[run - 1]!,
      dir: join(tmp.path, 'campaign'),
    });
    expect(result.runs).toBe(10);
    expect(result.samples).toEqual(SEQUENCE.slice(0, 10));
    expect(result.combinations[0]!.stopped).toBe('converged');
    expect(result.interval).toMatchObject({ method: 'nepi', n: 10, mean: 10.5 });
    expect(result.interval!.halfWidth).toBeCloseTo(0.5099, 4);
  });

  it("goes past run 10 on the same samples with Student's t interval", async () => {
    const file = writeDummyExperiment(tmp.path);
    const result = await runExperiment(file, {
      minRuns: 5,
      maxRuns: 15,
      interval: 't',
      metric: ({ run }) => SEQUENCE[run - 1]!,
      dir: join(tmp.path, 'campaign'),
    });
    expect(result.runs).toBeGreaterThan(10);
    expect(result.interval!.method).toBe('t');
  });

  it('runs the 6 combinations of a 3 x 2 sweep, substituting their parameters', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const dir = join(tmp.path, 'campaign');
    const seen: string[] = [];
    const result = await runExperiment(file, {
      runs: 2,
      sweep: { a: [1, 2, 3], b: [true, false] },
      metric: async ({ ec, parameters }) => {
        seen.push(`${String(parameters['a'])}/${String(parameters['b'])}`);
        // the parameters reached the resources: runTime is ${a}ms, critical is ${b}
        expect(ec.get('app', 'runTime')).toBe(parameters['a']);
        expect(ec.get('app', 'critical')).toBe(parameters['b']);
        return Number(parameters['a']) * 10;
      },
      dir,
    });
    expect(result.combinations).toHaveLength(6);
    expect(result.runs).toBe(12);
    expect(seen).toEqual(['1/true', '1/true', '1/false', '1/false', '2/true', '2/true', '2/false', '2/false', '3/true', '3/true', '3/false', '3/false']);
    expect(result.combinations.map((c) => c.samples)).toEqual([
      [10, 10],
      [10, 10],
      [20, 20],
      [20, 20],
      [30, 30],
      [30, 30],
    ]);
    const rows = expectResultsAgree(dir);
    const header = readFileSync(join(dir, 'results.csv'), 'utf8').split('\n')[0];
    expect(header).toBe('combination,run,run_id,a,b,status,metric,duration_ms,started_at,ended_at,run_dir,error');
    expect(rows.map((row) => `${row[3]}/${row[4]}:${row[6]}`)).toEqual(seen.map((s) => `${s}:${Number(s[0]) * 10}`));
    // the combinations table: one row per combination, with its figures
    const db = new Database(join(dir, 'results.sqlite'), { readonly: true });
    const table = db.prepare('SELECT combination, a, b, runs, samples, mean, half_width FROM combinations ORDER BY combination').all();
    db.close();
    expect(table).toEqual(
      result.combinations.map((c) => ({
        combination: c.index,
        a: c.parameters['a'],
        b: String(c.parameters['b']),
        runs: 2,
        samples: 2,
        mean: c.interval!.mean,
        half_width: c.interval!.halfWidth,
      })),
    );
    // the campaign keeps its own copy of the experiment file
    expect(readFileSync(join(dir, 'experiment.yaml'), 'utf8')).toBe(readFileSync(file, 'utf8'));
  });

  it('records failed runs and metric errors, and counts them towards max-runs', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const dir = join(tmp.path, 'campaign');
    const failing = join(tmp.path, 'failing.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      failing,
      'resources:\n  node: { type: dummy::Node }\n  app: { type: dummy::Application, connect: [node], attributes: { runTime: 1ms, failAt: run } }\n',
    );
    const failed = await runExperiment(failing, { maxRuns: 2, metric: () => 1, dir });
    expect(failed).toMatchObject({ runs: 2, failedRuns: 2, samples: [] });
    const { state } = readCampaign(dir);
    expect(state.combinations[0]!.runs.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(state.combinations[0]!.runs[0]!.error).toBe("'app' (dummy::Application) failed at run: dummy failure while running (failAt: run)");
    // a file without expId is named after the file
    expect(state.expId).toBe('failing');

    const bad = await runExperiment(file, {
      maxRuns: 2,
      sweep: { a: [1], b: [true] },
      metric: ({ run }) => (run === 1 ? Number.NaN : 5),
      dir: join(tmp.path, 'campaign2'),
    });
    expect(bad).toMatchObject({ runs: 2, failedRuns: 1, samples: [5] });
    const runs = readCampaign(join(tmp.path, 'campaign2')).state.combinations[0]!.runs;
    expect(runs[0]).toMatchObject({ status: 'metric-error', error: 'the metric function returned NaN, not a finite number' });
  });

  it('runs a metric command in the run directory, with the run and parameters in its environment', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const dir = join(tmp.path, 'campaign');
    const result = await runExperiment(file, {
      runs: 2,
      combinations: [{ a: 3, b: true }],
      metric: 'test -f summary.json && echo $(( NEPI_PARAM_a * 100 + NEPI_RUN ))',
      dir,
    });
    expect(result.samples).toEqual([301, 302]);
    const broken = await runExperiment(file, {
      runs: 1,
      combinations: [{ a: 3, b: true }],
      metric: 'echo not a number',
      dir: join(tmp.path, 'campaign2'),
    });
    expect(broken.failedRuns).toBe(1);
    expect(readCampaign(join(tmp.path, 'campaign2')).state.combinations[0]!.runs[0]!.error).toBe('metric command printed "not a number", not a number');
  });

  it('checks everything before the first run', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const dir = join(tmp.path, 'campaign');
    // ${b} = "maybe" is not a boolean: reported at its line, for that combination, nothing run
    const error = await runExperiment(file, { runs: 1, sweep: { a: [1], b: [true, 'maybe'] }, dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExperimentFileError);
    expect((error as ExperimentFileError).message).toMatch(/dummy\.yaml:4:\d+: resources\.app\.attributes\.critical: .*\(from \$\{b\} = "maybe"\)/);
    expect(existsSync(dir)).toBe(false);
    await expect(runExperiment(file, { sweep: { a: [1], b: [true] } })).rejects.toThrow(CampaignError);
    await expect(runExperiment(file, { runs: 1, sweep: { a: [1] } })).rejects.toThrow(/unknown parameter 'b'/);
    await runExperiment(writeDummyExperiment(tmp.path, { name: 'plain.yaml' }), { runs: 1, dir });
    await expect(runExperiment(file, { runs: 1, sweep: { a: [1], b: [true] }, dir })).rejects.toThrow(/already holds a campaign/);
  });

  it('runs an experiment built by code, with its parameters', async () => {
    const dir = join(tmp.path, 'campaign');
    const factory: ExperimentFactory = ({ parameters, options }) => {
      const ec = new ExperimentController(options);
      const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
      const app = ec.registerResource('dummy::Application', { runTime: parameters['t'] }, { name: 'app' });
      ec.registerConnection(node, app);
      return ec;
    };
    const result = await runExperiment(factory, {
      runs: 2,
      sweep: { t: [1, 2] },
      expId: 'coded',
      metric: ({ summary }) => Object.keys(summary.resources).length,
      dir,
    });
    expect(result.samples).toEqual([2, 2, 2, 2]);
    expect(readCampaign(dir).state.combinations[1]!.runs[0]!.runDir).toContain(join(dir, 'runs', 'coded'));
  });
});

describe('resuming a campaign', () => {
  it('goes on after a crash during run 4 without repeating runs 1-3, and redoes run 4', async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    const crash = new Error('the campaign process died');
    const error = await runExperiment(file, {
      maxRuns: 6,
      metric: ({ run }) => run,
      dir,
      // an exception out of a listener ends the campaign as a crash would: the state says run 4 is in progress
      onEvent: (event) => {
        if (event.type === 'run.start' && event.run === 4) throw crash;
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(crash);
    const before = readCampaign(dir).state;
    expect(before.status).toBe('running');
    const runsBefore = before.combinations[0]!.runs;
    expect(runsBefore.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'running']);
    expect(expectResultsAgree(dir).map((row) => row[3])).toEqual(['ok', 'ok', 'ok', 'running']);

    const started: number[] = [];
    const result = await resumeCampaign(dir, {
      metric: ({ run }) => run,
      onEvent: (event: CampaignEvent) => {
        if (event.type === 'run.start') started.push(event.run);
      },
    });
    expect(started).toEqual([4, 5, 6]);
    expect(result).toMatchObject({ status: 'done', runs: 6, samples: [1, 2, 3, 4, 5, 6] });
    const runs = readCampaign(dir).state.combinations[0]!.runs;
    // runs 1-3 are the same runs; run 4's first attempt is kept, marked interrupted
    expect(runs.slice(0, 3)).toEqual(runsBefore.slice(0, 3));
    expect(runs.map((r) => `${r.run}:${r.status}`)).toEqual(['1:ok', '2:ok', '3:ok', '4:interrupted', '4:ok', '5:ok', '6:ok']);
    expect(runs[3]!.runId).toBe(runsBefore[3]!.runId);
    expect(runs[4]!.runId).not.toBe(runsBefore[3]!.runId);
    expect(expectResultsAgree(dir)).toHaveLength(7);
    // a finished campaign resumes to itself: nothing runs again
    started.length = 0;
    expect((await resumeCampaign(dir, { metric: ({ run }) => run, onEvent: (e) => e.type === 'run.start' && started.push(e.run) })).runs).toBe(6);
    expect(started).toEqual([]);
  });

  it('stops at an abort signal, releasing the run in progress, and resumes the rest', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const dir = join(tmp.path, 'campaign');
    const interrupt = new AbortController();
    const result = await runExperiment(file, {
      runs: 1,
      // the second combination's run takes 1.5 s: aborted 50 ms in
      sweep: { a: [1, 1500], b: [true] },
      dir,
      signal: interrupt.signal,
      onEvent: (event) => {
        if (event.type === 'run.start' && event.combination === 1) setTimeout(() => interrupt.abort(), 50);
      },
    });
    expect(result).toMatchObject({ status: 'interrupted', runs: 1 });
    const { state } = readCampaign(dir);
    expect(state.status).toBe('interrupted');
    const stopped = state.combinations[1]!.runs[0]!;
    expect(stopped.status).toBe('interrupted');
    expect(stopped.durationMs).toBeLessThan(1500);
    expect(JSON.parse(readFileSync(join(stopped.runDir, 'summary.json'), 'utf8')).resources.app.state).toBe('RELEASED');
    const resumed = await resumeCampaign(dir);
    expect(resumed).toMatchObject({ status: 'done', runs: 2 });
    const rows = expectResultsAgree(dir);
    expect(rows.map((row) => `${row[0]}:${row[5]}`)).toEqual(['0:ok', '1:interrupted', '1:ok']);
  });

  it('cleans up after the run the campaign died in (as nepi clean RUN_DIR), then redoes it', async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    const cleaned: string[] = [];
    let dying: string | undefined;
    registerCleaner({
      backend: 'test-campaign-leftovers',
      cleanRun: async (runDir) => {
        cleaned.push(runDir);
        return runDir === dying ? { removed: ['network namespace nepi-00000000-h1'], problems: [] } : { removed: [], problems: [] };
      },
      cleanAll: async () => ({ removed: [], problems: [] }),
    });
    const crash = new Error('the campaign process died');
    await expect(
      runExperiment(file, {
        runs: 3,
        dir,
        onEvent: (event) => {
          if (event.type === 'run.start' && event.run === 2) {
            dying = event.runDir;
            throw crash;
          }
        },
      }),
    ).rejects.toBe(crash);
    expect(cleaned).toEqual([]);
    const result = await resumeCampaign(dir);
    expect(result).toMatchObject({ status: 'done', runs: 3 });
    // only the run left `running` was cleaned, once, before it was redone
    expect(cleaned).toEqual([dying]);
    const runs = readCampaign(dir).state.combinations[0]!.runs;
    expect(runs.map((r) => `${r.run}:${r.status}`)).toEqual(['1:ok', '2:interrupted', '2:ok', '3:ok']);
    expect(runs[1]!.error).toBe('the campaign stopped during this run; it was redone; 1 thing(s) it left removed (as nepi clean does)');
  });

  it('refuses a damaged campaign.json with a CampaignError naming what is wrong', async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    await runExperiment(file, { runs: 1, dir });
    const state = JSON.parse(readFileSync(join(dir, 'campaign.json'), 'utf8'));
    const damage = (change: (state: Record<string, unknown>) => void): string => {
      const copy = structuredClone(state);
      change(copy);
      writeFileSync(join(dir, 'campaign.json'), JSON.stringify(copy));
      try {
        readCampaign(dir);
      } catch (error) {
        expect(error).toBeInstanceOf(CampaignError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(damage((s) => delete s['combinations'])).toBe(`${dir}: campaign.json is damaged: 'combinations' is not a list`);
    expect(damage((s) => delete s['id'])).toBe(`${dir}: campaign.json is damaged: 'id' is not a string`);
    expect(damage((s) => (s['metric'] = {}))).toContain("'metric' has no kind none, code or command");
    expect(damage((s) => delete (s['stop'] as Record<string, unknown>)['maxRuns'])).toContain("'stop' lacks minRuns, maxRuns");
    expect(damage((s) => ((s['combinations'] as Array<{ runs: unknown[] }>)[0]!.runs[0] = { status: 'ok' }))).toContain(
      'combinations[0].runs[0] lacks its runId, run or status',
    );
    await expect(resumeCampaign(dir)).rejects.toThrow(CampaignError);
    // the campaign's copy of its experiment file gone
    writeFileSync(join(dir, 'campaign.json'), JSON.stringify(state));
    rmSync(join(dir, 'experiment.yaml'));
    await expect(resumeCampaign(dir)).rejects.toThrow(
      new CampaignError(
        `cannot read experiment.yaml, the campaign's copy of its experiment file: ENOENT: no such file or directory, open '${join(dir, 'experiment.yaml')}'`,
        dir,
      ),
    );
    // left as it was, it reads
    writeFileSync(join(dir, 'campaign.json'), JSON.stringify(state));
    expect(readCampaign(dir).result.runs).toBe(1);
  });

  it('needs the code again for a campaign whose metric is code', async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    const interrupt = new AbortController();
    interrupt.abort();
    await runExperiment(file, { runs: 2, dir, metric: () => 1, signal: interrupt.signal });
    await expect(resumeCampaign(dir)).rejects.toThrow(/computes its metric in code: resume it with resumeCampaign\(dir, \{ metric \}\)/);
    await expect(resumeCampaign(join(tmp.path, 'nowhere'))).rejects.toThrow(/no campaign\.json: not a campaign directory/);
  });
});
