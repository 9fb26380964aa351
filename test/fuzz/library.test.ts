/**
 * The fuzzer, through the library (fast): generated experiment files are validated and run
 * in-process, on a virtual clock, as `nepi validate` and `nepi run` would. Every outcome must
 * be exit 0, 1 or 2 with a message: never another error, a stack trace, a hang or a process
 * left behind. About 1,100 documents per run (the CLI fuzzer adds its own).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { anyDocument, damaged, garbage, nearValid, nested, NESTING, valid, type FuzzDocument } from './documents.js';
import { leftovers, problemWith, runInProcess, validateInProcess, type Outcome } from './outcome.js';

const root = mkdtempSync(join(tmpdir(), 'nepi-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** How long one document may take to validate and run, in real time. */
const BOUND_MS = 15_000;

let cases = 0;

/** Validate then run one document; returns both outcomes, or throws what is wrong. */
async function check(doc: FuzzDocument): Promise<{ validate: Outcome; run?: Outcome }> {
  const dir = join(root, `case${++cases}`);
  mkdirSync(dir);
  const file = join(dir, `experiment.${doc.format}`);
  writeFileSync(file, doc.text);
  const where = () => `${doc.label} document:\n${doc.text.slice(0, 3000)}`;
  try {
    const validate = await validateInProcess(file);
    const problem = problemWith(validate);
    if (problem) throw new Error(`validate: ${problem}`);
    if (validate.code !== 0) return { validate };
    const run = await runInProcess(file, join(dir, 'runs'), BOUND_MS);
    const runProblem = problemWith(run);
    if (runProblem) throw new Error(`run: ${runProblem}`);
    // what validate accepts, run loads: it ends with 0 (ran) or 1 (a critical failure)
    if (run.code === 2) throw new Error(`run said the file is invalid after validate accepted it: ${run.message}`);
    return { validate, run };
  } catch (error) {
    throw new Error(`${(error as Error).stack ?? String(error)}\n--- ${where()}`, { cause: error });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const property = (arbitrary: fc.Arbitrary<FuzzDocument>, numRuns: number) =>
  fc.assert(
    fc.asyncProperty(arbitrary, async (doc) => {
      await check(doc);
    }),
    { numRuns, endOnFailure: false },
  );

describe('fuzzing experiment files through the library', () => {
  it('valid experiments on the virtual clock: exit 0 or 1 (or 2 for a cycle), with a summary', async () => {
    await property(valid(false), 250);
  }, 60_000);

  it('near-valid experiments: one value wrong, huge, removed or added', async () => {
    await property(nearValid(false), 350);
  }, 60_000);

  it('damaged text: cut, repeated lines (duplicate names), stray characters, cycles, alias bombs', async () => {
    await property(damaged(false), 150);
  }, 60_000);

  it('garbage: any JSON value, random text, YAML punctuation, deep nesting', async () => {
    await property(garbage, 250);
  }, 60_000);

  it('nesting 20,000 levels deep, in each syntax', async () => {
    for (const open of NESTING) {
      const { validate } = await check(nested(open === '- ' ? 3000 : 20_000, open));
      expect(validate.code).toBe(2);
    }
  }, 60_000);

  it('fast documents with real processes (linux::Application) leave no process behind', async () => {
    await property(anyDocument(true), 100);
    expect(await leftovers(root)).toEqual([]);
  }, 90_000);

  it('ran at least 1,000 documents', () => {
    expect(cases).toBeGreaterThanOrEqual(1000);
  });
});
