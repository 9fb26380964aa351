/** The fault matrix of one backend as a vitest suite that prints its table at the end. */
import { afterAll, describe, expect, it } from 'vitest';
import { describeOutcome, formatMatrix, MATRIX_STEPS, mismatches, runCell, type MatrixBackend, type MatrixRow } from './matrix.js';

/**
 * No cell is run again when it fails: a retry hid the SSH monitor's lost watches (issue 21),
 * whose cells hung until their timeout in about 7 runs of 16.
 */
export function matrixSuite(backend: MatrixBackend, options: { timeout?: number } = {}): void {
  const rows: MatrixRow[] = [];
  afterAll(() => {
    process.stdout.write(`\n${formatMatrix(`Fault matrix: ${backend.name} backend (step x criticality)`, rows)}\n`);
  });
  describe(`fault matrix, ${backend.name} backend`, () => {
    for (const step of MATRIX_STEPS) {
      for (const critical of [true, false]) {
        const name = `a ${critical ? 'critical' : 'non-critical'} resource failing at ${step} ends as documented`;
        it(name, { timeout: options.timeout ?? 20_000 }, async () => {
          const outcome = await runCell(backend, step, critical);
          const problems = mismatches(outcome, step, critical);
          rows.push({ backend: backend.name, step, critical, result: describeOutcome(outcome), ok: problems.length === 0 });
          expect(problems).toEqual([]);
        });
      }
    }
  });
}
