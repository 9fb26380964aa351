/**
 * The test of issue 9: a controller (`nepi run`, a child process) is killed with SIGKILL in
 * the middle of a 20-resource experiment with pending delays; `nepi resume` completes it, and
 * every delay is honoured from its original reference time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';
import { readRecords, runDirOf, startNepi, waitFor } from './cli-support.js';

const localDir = mkdtempSync(join(tmpdir(), 'nepi-sigkill-'));
afterAll(() => rmSync(localDir, { recursive: true, force: true }));

const DELAYED = 18;
const STEP_MS = 400;
/** A STARTED this much after its deadline still counts as on time (a loaded 2-core machine). */
const BOUND_MS = 1500;

function experiment(): string {
  const lines = [
    'expId: sigkill20',
    'resources:',
    '  node: { type: dummy::Node }',
    '  ref: { type: dummy::Application, connect: [node], attributes: { runTime: 6s } }',
  ];
  for (let i = 1; i <= DELAYED; i++) {
    lines.push(
      `  d${i}:`,
      '    type: dummy::Application',
      '    connect: [node]',
      '    attributes: { runTime: 300ms }',
      `    conditions: [{ action: START, group: [ref], state: STARTED, time: ${i * STEP_MS}ms }]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

it('resumes a SIGKILLed run of 20 resources and starts every delayed one at its original deadline', async () => {
  const file = join(localDir, 'sigkill20.yaml');
  writeFileSync(file, experiment());
  const run = startNepi(['run', file, '--local-dir', localDir]);
  let runDir: string | undefined;
  const refStarted = () => readRecords(runDir!).some((r) => r['guid'] === 'ref' && r['to'] === 'STARTED');
  expect(await waitFor(() => (runDir = runDirOf(localDir, 'sigkill20')) !== undefined && refStarted(), 20_000)).toBe(true);
  // kill it with a few of the delays gone by
  await new Promise((resolve) => setTimeout(resolve, 5 * STEP_MS));
  run.process.kill('SIGKILL');
  const killed = await run.exited;
  expect(killed.signal).toBe('SIGKILL');
  const beforeResume = readRecords(runDir!);
  expect(beforeResume.some((r) => r['kind'] === undefined && r['to'] === 'RELEASED')).toBe(false);
  // down for a while: some deadlines pass while no controller runs
  await new Promise((resolve) => setTimeout(resolve, STEP_MS));

  const resumed = await nepi(['resume', runDir!]);
  expect(resumed.stderr).toBe('');
  expect(resumed.code).toBe(0);

  const all = readRecords(runDir!);
  const marker = all.find((r) => r['kind'] === 'resume')!;
  expect(marker).toBeDefined();
  const resumedAt = marker['time'] as number;
  const states = all.filter((r) => r['kind'] === undefined);
  const at = (guid: string, to: string) => states.filter((r) => r['guid'] === guid && r['to'] === to).map((r) => r['time'] as number);
  const refStart = at('ref', 'STARTED')[0]!;
  const held = new Map(all.filter((r) => r['kind'] === 'condition' && r['event'] === 'held').map((r) => [r['guid'] as string, r['deadline'] as number]));

  let afterResume = 0;
  const rows: string[] = [];
  for (let i = 1; i <= DELAYED; i++) {
    const guid = `d${i}`;
    const deadline = held.get(guid)!;
    // the deadline is the original reference time plus the delay, recorded when it held
    expect(deadline).toBe(refStart + i * STEP_MS);
    const started = at(guid, 'STARTED');
    expect(started, `${guid} STARTED once`).toHaveLength(1);
    const start = started[0]!;
    expect(start, `${guid} never starts early`).toBeGreaterThanOrEqual(deadline);
    // a deadline that passed while no controller ran is honoured as soon as the run resumes
    const beforeCrash = beforeResume.some((r) => r['guid'] === guid && r['to'] === 'STARTED');
    const due = beforeCrash ? deadline : Math.max(deadline, resumedAt);
    expect(start - due, `${guid} started ${Math.round(start - deadline)} ms after its deadline`).toBeLessThanOrEqual(BOUND_MS);
    // nepi resume shows what happened from the resume on, the starts due at once included
    if (!beforeCrash) expect(resumed.stdout).toMatch(new RegExp(`\\s${guid}\\s+READY -> STARTED`));
    if (deadline > resumedAt) afterResume++;
    expect(at(guid, 'FINISHED')).toHaveLength(1);
    rows.push(`${guid} deadline +${deadline - refStart} ms, STARTED +${Math.round(start - refStart)} ms${beforeCrash ? ' (before the crash)' : ''}`);
  }
  process.stdout.write(`killed, resumed at +${Math.round(resumedAt - refStart)} ms after ref STARTED:\n  ${rows.join('\n  ')}\n`);
  // the test means something: delays were still pending when the run resumed
  expect(afterResume).toBeGreaterThanOrEqual(2);
  // and a delay counted from the resume instead would have been late by more than the bound
  expect(resumedAt - refStart).toBeGreaterThan(BOUND_MS);

  const summary = JSON.parse(readFileSync(join(runDir!, 'summary.json'), 'utf8')) as {
    status: string;
    failures: unknown[];
    resources: Record<string, { state: string }>;
  };
  expect(summary.status).toBe('released');
  expect(summary.failures).toEqual([]);
  expect(Object.keys(summary.resources)).toHaveLength(20);
  expect(Object.values(summary.resources).every((r) => r.state === 'RELEASED')).toBe(true);
  expect(at('ref', 'FINISHED')).toHaveLength(1);
}, 60_000);
