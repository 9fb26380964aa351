import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCampaign } from '../../src/campaign/index.js';
import { EXAMPLES, nepi } from '../cli/cli.js';
import { expectResultsAgree, useTempDir, writeDummyExperiment } from './fixtures.js';

const tmp = useTempDir();

describe('nepi run with campaign flags', () => {
  it('--max-runs 10 without a metric runs exactly 10 times', async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    const result = await nepi(['run', file, '--max-runs', '10', '--campaign-dir', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^run \d+: ok/gm)).toHaveLength(10);
    expect(readdirSync(join(dir, 'runs', 'dummy'))).toHaveLength(10);
    expect(expectResultsAgree(dir)).toHaveLength(10);
    expect(result.stdout).toContain('stopped: max-runs');
  });

  it("stops NEPI's sample sequence at run 10 with --min-runs 5 and a metric command", async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    const metric = 'node -e "console.log([10,10,10,10,12,10,12,10,10,11,10,10][process.env.NEPI_RUN - 1])"';
    const result = await nepi(['run', file, '--min-runs', '5', '--max-runs', '12', '--metric', metric, '--campaign-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('converged after 10 runs');
    expect(result.stdout).toMatch(/^run 10: ok metric 11 .*; mean 10\.5 ± 0\.5099/m);
    expect(readCampaign(dir).result.runs).toBe(10);
  });

  it('says "did not converge" when a combination stops at --max-runs, and warns when it cannot stop early', async () => {
    const file = writeDummyExperiment(tmp.path);
    const dir = join(tmp.path, 'campaign');
    // a metric that swings between 1 and 100: its interval never gets within 5 % of its mean
    const metric = 'node -e "console.log(process.env.NEPI_RUN % 2 ? 1 : 100)"';
    const result = await nepi(['run', file, '--min-runs', '3', '--max-runs', '4', '--metric', metric, '--campaign-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 to 4 runs per combination');
    expect(result.stdout).toContain('  did not converge in 4 runs (--max-runs)');
    expect(result.stdout).not.toContain('converged after');
    expect(result.stdout).toMatch(/: 4 runs, .*, did not converge \(stopped at --max-runs\)$/m);

    const exact = await nepi(['run', file, '--until-converged', '--max-runs', '5', '--metric', metric, '--campaign-dir', join(tmp.path, 'exact')]);
    expect(exact.stdout).toContain('exactly 5 runs per combination (--max-runs is not above --min-runs: no combination can stop early)');
  });

  it('runs the 6 combinations of --sweep a=1,2,3 --sweep b=true,false; show and plot read them back', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const dir = join(tmp.path, 'campaign');
    const result = await nepi([
      'run',
      file,
      '--sweep',
      'a=1,2,3',
      '--sweep',
      'b=true,false',
      '--runs',
      '2',
      '--metric',
      'echo $(( NEPI_PARAM_a * 10 + NEPI_RUN ))',
      '--campaign-dir',
      dir,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('6 combinations to run, 2 runs per combination');
    const rows = expectResultsAgree(dir);
    expect(rows.map((row) => `${row[3]}/${row[4]}`)).toEqual([
      '1/true',
      '1/true',
      '1/false',
      '1/false',
      '2/true',
      '2/true',
      '2/false',
      '2/false',
      '3/true',
      '3/true',
      '3/false',
      '3/false',
    ]);
    expect(rows.map((row) => Number(row[6]))).toEqual([11, 12, 11, 12, 21, 22, 21, 22, 31, 32, 31, 32]);

    const show = await nepi(['campaign', 'show', dir]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^comb\s+run\s+a\s+b\s+status\s+metric\s+duration\s+run id$/m);
    expect(show.stdout).toMatch(/^5\s+a=3 b=false: 2 runs, 31\.5 ± 0\.70711 \[30\.793, 32\.207\] \(n=2, nepi ~95%\), stopped: max-runs$/m);

    const plot = await nepi(['campaign', 'plot', dir, '--x', 'a']);
    expect(plot.code).toBe(0);
    const svg = readFileSync(join(dir, 'plot-a.svg'), 'utf8');
    expect(plot.stdout.trim()).toBe(join(dir, 'plot-a.svg'));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // one mean per combination, with its interval in its tooltip; one legend entry per value of b
    expect(svg.match(/<title>a=\d b=(true|false): mean [\d.]+ ± 0\.7071 \(n=2\)<\/title>/g)).toHaveLength(6);
    expect(svg).toContain('>b=true</text>');
    expect(svg).toContain('>b=false</text>');
    const bad = await nepi(['campaign', 'plot', dir, '--x', 'rate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the campaign has no parameter 'rate': its parameters are a, b");
  });

  it("runs the documented sweep example: the server's throughput is the metric", async () => {
    const dir = join(tmp.path, 'campaign');
    const result = await nepi([
      'run',
      join(EXAMPLES, 'sweep.yaml'),
      '--sweep',
      'rate=50,200',
      '--runs',
      '1',
      '--metric',
      'cat server/stdout',
      '--campaign-dir',
      dir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { result: campaign } = readCampaign(dir);
    expect(campaign.samples).toHaveLength(2);
    // Mbit/s received over loopback, paced at the rate: about the rate (generous bounds, a loaded machine lags)
    campaign.combinations.forEach((combination, i) => {
      const rate = [50, 200][i]!;
      expect(combination.parameters).toEqual({ rate });
      expect(combination.samples[0]).toBeGreaterThan(rate * 0.3);
      expect(combination.samples[0]).toBeLessThan(rate * 3);
    });
  });

  it('takes explicit combinations from --sweep-file', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const sweepFile = join(tmp.path, 'sweep.yaml');
    writeFileSync(sweepFile, '- { a: 1, b: true }\n- { a: 5, b: false }\n');
    const dir = join(tmp.path, 'campaign');
    const result = await nepi(['run', file, '--sweep-file', sweepFile, '--runs', '1', '--campaign-dir', dir]);
    expect(result.code).toBe(0);
    expect(readCampaign(dir).state.combinations.map((c) => c.parameters)).toEqual([
      { a: 1, b: true },
      { a: 5, b: false },
    ]);
  });

  it('refuses bad flags and bad parameters with exit code 2 before running anything', async () => {
    const file = writeDummyExperiment(tmp.path, { swept: true });
    const dir = join(tmp.path, 'campaign');
    const cases: [string[], string][] = [
      [['--runs', '0'], "expected --runs to be a positive integer, got '0'"],
      [['--min-runs', '5', '--sweep', 'a=1', '--sweep', 'b=true'], 'repeating until the metric converges needs a metric'],
      [['--runs', '1', '--sweep', 'a=1', '--sweep', 'c=true'], "unknown parameter 'b'"],
      [['--runs', '1', '--sweep', 'a=1,2', '--sweep', 'b=true', '--precision', '200%'], 'expected --precision to be a fraction'],
      [['--runs', '1', '--sweep', 'a=1', '--sweep', 'b=true', '--json'], '--json prints the events of one run'],
      [['--runs', '1', '--sweep', 'a=1', '--sweep', 'b=true', '--ui'], '--ui watches one run; a campaign runs many'],
      [['--runs', '1', '--sweep', 'a=1', '--sweep', 'b=true', '--inspect'], '--inspect watches one run; a campaign runs many'],
      [['--runs', '1', '--sweep', 'a=1', '--sweep', 'b=true', '--metric', 'echo 1', '--metric-timeout', 'soon'], 'metric timeout: invalid duration "soon"'],
      [['--max-runs', '2', '--sweep', 'a=1', '--sweep', 'b=true', '--interval', 'z'], "expected --interval to be 'nepi' or 't', got 'z'"],
    ];
    for (const [flags, message] of cases) {
      const result = await nepi(['run', file, ...flags, '--campaign-dir', dir]);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const located = await nepi(['run', file, '--runs', '1', '--sweep', 'a=1', '--sweep', 'c=true', '--campaign-dir', dir]);
    expect(located.stderr).toMatch(/dummy\.yaml:4:\d+: resources\.app\.attributes\.critical: unknown parameter 'b'/);
    expect(existsSync(dir)).toBe(false);
    const resume = await nepi(['campaign', 'resume', join(tmp.path, 'nowhere')]);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('no campaign.json: not a campaign directory');
    // a damaged state: exit 2 and what is wrong, for every command that reads it
    const damaged = join(tmp.path, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'campaign.json'), '{"version":1}');
    for (const command of [['resume'], ['show'], ['plot', '--x', 'a']]) {
      const read = await nepi(['campaign', command[0]!, damaged, ...command.slice(1)]);
      expect(read.code, command[0]).toBe(2);
      expect(read.stderr).toBe(`nepi: ${damaged}: campaign.json is damaged: 'id' is not a string\n`);
    }
    const huge = await nepi(['run', file, '--runs', '99999999999999999999', '--campaign-dir', dir]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain("expected --runs to be a positive integer, got '99999999999999999999'");
  });
});

describe('nepi campaign resume', () => {
  it('goes on after the campaign process was killed (SIGKILL) after 3 runs, never repeating a finished run', async () => {
    // each run takes about 300 ms: killed 100 ms after run 3 was reported, it usually dies during run 4
    const file = writeDummyExperiment(tmp.path, { runTime: '300ms' });
    const dir = join(tmp.path, 'campaign');
    let kill: NodeJS.Timeout | undefined;
    const killed = await nepi(['run', file, '--max-runs', '6', '--metric', 'echo $NEPI_RUN', '--campaign-dir', dir], {
      onStdout: (text, child) => {
        if (kill === undefined && /^run 3: ok/m.test(text)) kill = setTimeout(() => child.kill('SIGKILL'), 100);
      },
    });
    expect(killed.code, killed.stderr).toBe(null);
    const before = readCampaign(dir).state.combinations[0]!.runs;
    const done = before.filter((run) => run.status === 'ok');
    // the kill was sent once run 3 was reported; run 4 may have been started (it is then 'running')
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done.length).toBeLessThan(6);
    expect(before.filter((run) => run.status !== 'ok').every((run) => run.status === 'running')).toBe(true);

    const resumed = await nepi(['campaign', 'resume', dir]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('resuming campaign');
    // only the runs not finished ran again
    const ran = [...resumed.stdout.matchAll(/^run (\d+): ok/gm)].map((m) => Number(m[1]));
    expect(ran).toEqual([4, 5, 6].slice(done.length - 3));
    const after = readCampaign(dir).state.combinations[0]!.runs;
    expect(after.filter((run) => run.status === 'ok').map((run) => run.run)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(after.slice(0, done.length)).toEqual(done);
    expect(new Set(after.map((run) => run.runId)).size).toBe(after.length);
    // a run in progress at the kill is kept, marked interrupted, and its directory is still there
    for (const run of after.filter((r) => r.status === 'interrupted')) expect(existsSync(run.runDir)).toBe(true);
    expect(after.filter((run) => run.status === 'interrupted')).toHaveLength(before.length - done.length);
    expect(readCampaign(dir).result.samples).toEqual([1, 2, 3, 4, 5, 6]);
    expectResultsAgree(dir);
  });
});
