/**
 * SIGKILL of `nepi run` at each phase, then `nepi resume`: the run completes with the same
 * final states as an uninterrupted run, and the condition delay of `d` (after `a` STARTED) is
 * measured from its original reference time across the crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';
import { readRecords, runDirOf } from '../resume/cli-support.js';
import { dummyPhases, formatPhases, interruptAt, leftAfter, localPhases, netnsPhases, sshPhases, runEnd, type PhaseBackend, type RunEnd } from './phases.js';

let sshd: TestSshd | undefined;
const backends: PhaseBackend[] = [dummyPhases, localPhases, netnsPhases, sshPhases(() => sshd!.node())];
const results = new Map<string, string>();
const baselines = new Map<string, RunEnd>();
/** A start this much after its due time is still on time (a loaded 2-core machine). */
const BOUND_MS = 1000;

beforeAll(async () => {
  sshd = await startSshd();
  // the uninterrupted runs every resumed one must end like
  await Promise.all(
    backends.map(async (backend) => {
      const localDir = mkdtempSync(join(tmpdir(), 'nepi-baseline-'));
      try {
        const file = join(localDir, 'phases.yaml');
        writeFileSync(file, backend.yaml);
        const run = await nepi(['run', file, '--local-dir', localDir]);
        expect(run.code).toBe(0);
        baselines.set(backend.name, runEnd(runDirOf(localDir, 'phases')!));
      } finally {
        rmSync(localDir, { recursive: true, force: true });
      }
    }),
  );
}, 40_000);
afterAll(async () => sshd?.stop());
afterAll(() => process.stdout.write(`\n${formatPhases('SIGKILL of nepi run at each phase, then nepi resume', backends, results)}\n`));

describe.concurrent('SIGKILL at each phase, then resume', () => {
  for (const backend of backends) {
    for (const phase of backend.phases) {
      it(`${backend.name}: killed during ${phase}, resumed, ends as an uninterrupted run`, async () => {
        const run = await interruptAt(backend, phase, 'SIGKILL');
        try {
          expect(run.inPhase, `still in ${phase} when killed`).toBe(true);
          expect(run.exit.signal).toBe('SIGKILL');
          const resumed = await nepi(['resume', run.runDir]);
          expect(resumed.stderr).toBe('');
          expect(resumed.code).toBe(0);
          const end = runEnd(run.runDir);
          const baseline = baselines.get(backend.name)!;
          expect(end.status).toBe(baseline.status);
          expect(end.failures).toEqual([]);
          expect(end.finals).toEqual(baseline.finals);
          expect(end.entered).toEqual(baseline.entered);
          expect(end.repeated).toEqual([]);
          // d's delay, measured from a's recorded STARTED across the crash
          const records = readRecords(run.runDir);
          const resumedAt = records.find((r) => r['kind'] === 'resume')!['time'] as number;
          const time = (guid: string, to: string) => records.find((r) => r['kind'] === undefined && r['guid'] === guid && r['to'] === to)?.['time'] as number;
          const deadline = time('a', 'STARTED') + backend.dDelay;
          const start = time('d', 'STARTED');
          expect(start).toBeGreaterThanOrEqual(deadline);
          const startedBeforeCrash = records.findIndex((r) => r['guid'] === 'd' && r['to'] === 'STARTED') < records.findIndex((r) => r['kind'] === 'resume');
          const due = startedBeforeCrash ? deadline : Math.max(deadline, resumedAt);
          expect(start - due).toBeLessThanOrEqual(BOUND_MS);
          expect(await leftAfter(run.runDir)).toEqual([]);
          results.set(
            `${backend.name}/${phase}`,
            `ok: same end; d ${Math.round(start - due)} ms after due (${startedBeforeCrash ? 'before the kill' : deadline > resumedAt ? 'deadline after resume' : 'deadline passed while down'})`,
          );
        } catch (error) {
          results.set(`${backend.name}/${phase}`, `FAIL: ${(error as Error).message.split('\n')[0]}`);
          throw error;
        } finally {
          run.cleanup();
        }
      }, 50_000);
    }
  }
});
