/** SIGINT to `nepi run` at each phase: exit 130, everything released, nothing left running. */
import { startSshd, type TestSshd } from '../support/sshd.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dummyPhases, formatPhases, interruptAt, leftAfter, localPhases, netnsPhases, sshPhases, runEnd, type PhaseBackend } from './phases.js';

let sshd: TestSshd | undefined;
const backends: PhaseBackend[] = [dummyPhases, localPhases, netnsPhases, sshPhases(() => sshd!.node())];
const results = new Map<string, string>();
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterAll(() => process.stdout.write(`\n${formatPhases('SIGINT to nepi run at each phase', backends, results)}\n`));

describe.concurrent('SIGINT at each phase', () => {
  for (const backend of backends) {
    for (const phase of backend.phases) {
      it(`${backend.name}: SIGINT during ${phase} releases everything and exits 130`, async () => {
        const run = await interruptAt(backend, phase, 'SIGINT');
        try {
          expect(run.inPhase, `still in ${phase} when interrupted`).toBe(true);
          expect(run.exit.code).toBe(130);
          const end = runEnd(run.runDir);
          // during release the run had already got what it waited for: it ends released, not interrupted
          expect(end.status).toBe(phase === 'release' ? 'released' : 'interrupted');
          expect(end.failures).toEqual([]);
          expect(Object.values(end.finals)).toEqual(['RELEASED', 'RELEASED', 'RELEASED', 'RELEASED']);
          expect(end.repeated).toEqual([]);
          expect(await leftAfter(run.runDir)).toEqual([]);
          results.set(`${backend.name}/${phase}`, 'ok: 130, all RELEASED');
        } catch (error) {
          results.set(`${backend.name}/${phase}`, `FAIL: ${(error as Error).message.split('\n')[0]}`);
          throw error;
        } finally {
          run.cleanup();
        }
      }, 40_000);
    }
  }
});
