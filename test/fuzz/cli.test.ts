/**
 * The fuzzer, through the real CLI (`node dist/src/cli/bin.js`, built by `npm test`): fewer
 * documents than the library fuzzer, since each one costs a Node process or two. Every
 * `nepi validate` and `nepi run` exits 0, 1 or 2 with a message and no stack trace, within
 * its bound, and leaves no process behind. Plus one 10 MB file, through both paths.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { anyDocument, bigDocument } from './documents.js';
import { cli, leftovers, problemWith, runInProcess, validateInProcess } from './outcome.js';

const root = mkdtempSync(join(tmpdir(), 'nepi-fuzz-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Generous: a Node process starting on a loaded 2-core machine, plus the run itself. */
const BOUND_MS = 30_000;

let cases = 0;

describe('fuzzing experiment files through the CLI', () => {
  it('nepi validate and nepi run: exit 0, 1 or 2 with a message, no stack trace, nothing left running', async () => {
    await fc.assert(
      fc.asyncProperty(anyDocument(true), async (doc) => {
        const dir = join(root, `case${++cases}`);
        mkdirSync(dir);
        const file = join(dir, `experiment.${doc.format}`);
        writeFileSync(file, doc.text);
        const context = () => `${doc.label} document:\n${doc.text.slice(0, 3000)}`;
        const validate = await cli(['validate', file], BOUND_MS);
        const problem = problemWith(validate);
        if (problem) throw new Error(`nepi validate: ${problem}\n--- ${context()}`);
        if (validate.code === 1) throw new Error(`nepi validate exited 1 (it runs nothing): ${validate.message}\n--- ${context()}`);
        const run = await cli(['run', file, '--local-dir', join(dir, 'runs')], BOUND_MS);
        const runProblem = problemWith(run);
        if (runProblem) throw new Error(`nepi run: ${runProblem}\n--- ${context()}`);
        if ((validate.code === 2) !== (run.code === 2)) {
          throw new Error(`nepi validate exited ${validate.code} but nepi run ${run.code}: ${run.message}\n--- ${context()}`);
        }
        const left = await leftovers(dir);
        if (left.length > 0) throw new Error(`processes left behind: ${left.join('; ')}\n--- ${context()}`);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 24, endOnFailure: true },
    );
    expect(cases).toBe(24);
  }, 300_000);

  it('a 10 MB file: validated and run in-process, validated by the CLI', async () => {
    const dir = join(root, 'big');
    mkdirSync(dir);
    const file = join(dir, 'big.yaml');
    const text = bigDocument();
    expect(text.length).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    writeFileSync(file, text);
    const validate = await validateInProcess(file);
    expect(validate.code).toBe(0);
    const run = await runInProcess(file, join(dir, 'runs'), 60_000);
    expect(problemWith(run)).toBeUndefined();
    expect(run.code).toBe(0);
    const viaCli = await cli(['validate', file], 60_000);
    expect(problemWith(viaCli)).toBeUndefined();
    expect(viaCli.code).toBe(0);
    expect(viaCli.stdout).toMatch(/: valid \(\d+ resources, \d+ conditions\)/);
    // and a 10 MB file that is not an experiment at all
    const junk = join(dir, 'junk.yaml');
    writeFileSync(junk, `resources:\n  n: { type: dummy::Node, attributes: { failAt: "${'x'.repeat(10 * 1024 * 1024)}" } }\n`);
    const bad = await cli(['run', junk], 60_000);
    expect(problemWith(bad)).toBeUndefined();
    expect(bad.code).toBe(2);
    expect(bad.message.length).toBeLessThan(2000);
  }, 180_000);
});
