/** `nepi resume` refuses what it cannot resume, with exit code 2 and a reason. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';
import { byKind, findAll, parseXml } from '../timeline/xml.js';
import { readRecords, runDirOf, startNepi, waitFor } from './cli-support.js';

const localDir = mkdtempSync(join(tmpdir(), 'nepi-cli-resume-'));
afterAll(() => rmSync(localDir, { recursive: true, force: true }));

const yaml = (expId: string, runTime: string) => `expId: ${expId}
resources:
  node: { type: dummy::Node }
  app: { type: dummy::Application, connect: [node], attributes: { runTime: ${runTime} } }
`;

it('refuses a run that ended, and a folder that is not a run directory', async () => {
  const file = join(localDir, 'short.yaml');
  writeFileSync(file, yaml('short', '10ms'));
  expect((await nepi(['run', file, '--local-dir', localDir])).code).toBe(0);
  const ended = await nepi(['resume', runDirOf(localDir, 'short')!]);
  expect(ended.code).toBe(2);
  expect(ended.stderr).toMatch(/ended \(it has summary\.json\): there is nothing to resume/);
  const none = await nepi(['resume', localDir]);
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/no experiment\.json/);
});

it('refuses a run whose controller still runs', async () => {
  const file = join(localDir, 'long.yaml');
  writeFileSync(file, yaml('long', '20s'));
  const run = startNepi(['run', file, '--local-dir', localDir]);
  try {
    let runDir: string | undefined;
    expect(await waitFor(() => (runDir = runDirOf(localDir, 'long')) !== undefined && readRecords(runDir).some((r) => r['to'] === 'STARTED'), 20_000)).toBe(
      true,
    );
    const twice = await nepi(['resume', runDir!]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(new RegExp(`still runs \\(pid ${run.process.pid}\\)`));
  } finally {
    run.process.kill('SIGKILL');
    await run.exited;
  }
});

it('releases everything and exits 130 when the resumed run gets SIGINT', async () => {
  const file = join(localDir, 'interrupted.yaml');
  writeFileSync(file, yaml('interrupted', '20s'));
  const run = startNepi(['run', file, '--local-dir', localDir]);
  let runDir: string | undefined;
  expect(
    await waitFor(() => (runDir = runDirOf(localDir, 'interrupted')) !== undefined && readRecords(runDir).some((r) => r['to'] === 'STARTED'), 20_000),
  ).toBe(true);
  run.process.kill('SIGKILL');
  await run.exited;
  const resumed = startNepi(['resume', runDir!]);
  expect(await waitFor(() => readRecords(runDir!).some((r) => r['kind'] === 'resume'), 20_000)).toBe(true);
  resumed.process.kill('SIGINT');
  const end = await resumed.exited;
  expect(end.code).toBe(130);
  const summary = JSON.parse(readFileSync(join(runDir!, 'summary.json'), 'utf8')) as {
    status: string;
    interrupted?: { by: string };
    resources: Record<string, { state: string }>;
  };
  expect(summary.status).toBe('interrupted');
  expect(summary.interrupted?.by).toBe('SIGINT');
  expect(Object.values(summary.resources).map((r) => r.state)).toEqual(['RELEASED', 'RELEASED']);

  // its timeline marks the time the controller was down (from its last record to the resume) and the interruption
  const records = readRecords(runDir!);
  const at = records.findIndex((r) => r['kind'] === 'resume');
  const lastBefore = Math.max(...records.slice(0, at).map((r) => r['time'] as number));
  const resumedAt = records[at]!['time'] as number;
  const interruptedAt = records.find((r) => r['kind'] === 'interrupt')!['time'] as number;
  const svg = parseXml(readFileSync(join(runDir!, 'timeline.svg'), 'utf8'));
  const start = Number(svg.attributes['data-start']);
  const [down, ...more] = byKind(svg, 'downtime');
  expect(more).toEqual([]);
  expect(Number(down!.attributes['data-t1'])).toBeCloseTo(lastBefore - start, 1);
  expect(Number(down!.attributes['data-t2'])).toBeCloseTo(resumedAt - start, 1);
  expect(resumedAt - lastBefore).toBeGreaterThan(0);
  expect(findAll(down!, (e) => e.name === 'text')[0]!.text).toMatch(/^controller down \d+(\.\d)?(ms|s)$/);
  const interrupts = byKind(svg, 'interrupt');
  expect(interrupts.map((i) => [i.attributes['data-by'], i.attributes['data-unfinished']])).toEqual([['SIGINT', '["app"]']]);
  expect(Number(interrupts[0]!.attributes['data-t'])).toBeCloseTo(interruptedAt - start, 1);
  expect(findAll(interrupts[0]!, (e) => e.name === 'text')[0]!.text).toBe('interrupted by SIGINT');
  expect(readFileSync(join(runDir!, 'timeline.html'), 'utf8')).toContain('data-kind="downtime"');
});
