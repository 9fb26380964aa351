/** SIGKILL of `nepi run` at each phase, then `nepi clean RUN_DIR`: nothing of the run is left. */
import { afterAll, describe, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';
import { dummyPhases, formatPhases, interruptAt, leftAfter, leftovers, localPhases, netnsPhases, type PhaseBackend } from './phases.js';

const backends: PhaseBackend[] = [dummyPhases, localPhases, netnsPhases];
const results = new Map<string, string>();
// ssh: no cleaner for remote processes is registered yet (nepi clean leaves them): not in this table
afterAll(() =>
  process.stdout.write(
    `\n${formatPhases('SIGKILL of nepi run at each phase, then nepi clean', backends, results)}\nssh: not run (no cleaner for remote processes yet)\n`,
  ),
);

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
