/** SIGKILL of `nepi run` at each phase, then `nepi clean RUN_DIR`: nothing of the run is left. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { nepi } from '../cli/cli.js';
import { dummyPhases, formatPhases, interruptAt, leftAfter, leftovers, localPhases, netnsPhases, sshPhases, type PhaseBackend } from './phases.js';

let sshd: TestSshd | undefined;
// ssh: the remote processes and the run's folder on the host (~/.nepi/<expId>/<runId>) are the orphans
const backends: PhaseBackend[] = [dummyPhases, localPhases, netnsPhases, sshPhases(() => sshd!.node())];
const results = new Map<string, string>();
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterAll(() => process.stdout.write(`\n${formatPhases('SIGKILL of nepi run at each phase, then nepi clean', backends, results)}\n`));

describe.concurrent('SIGKILL at each phase, then clean', () => {
  for (const backend of backends) {
    for (const phase of backend.phases) {
      it(`${backend.name}: killed during ${phase}, cleaned, leaves nothing`, async () => {
        const run = await interruptAt(backend, phase, 'SIGKILL');
        try {
          expect(run.inPhase, `still in ${phase} when killed`).toBe(true);
          const orphans = leftovers(run.runDir).length;
          // real processes (and namespaces) outlive a killed controller: that is what clean is for
          if (backend.name !== 'dummy') expect(orphans).toBeGreaterThan(0);
          const clean = await nepi(['clean', run.runDir]);
          expect(clean.stderr).toBe('');
          expect(clean.code).toBe(0);
          expect(await leftAfter(run.runDir)).toEqual([]);
          results.set(`${backend.name}/${phase}`, `ok: ${orphans} thing(s) left by the kill, none after clean`);
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
