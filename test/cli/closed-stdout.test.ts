/**
 * `nepi run FILE --json | head -5`: the reader closes stdout while the run goes on. The run
 * must not crash with EPIPE: it runs to its end, releases everything and writes its summary.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXAMPLES, nepi } from './cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-closed-stdout-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('goes on to its end when its stdout is closed, with no stack trace and its summary written', async () => {
  let closedAfter = 0;
  const result = await nepi(['run', join(EXAMPLES, 'fan-in.yaml'), '--json', '--local-dir', dir], {
    onStdout: (text, child) => {
      // as `head -5` does: read five lines, then close the pipe
      if (closedAfter === 0 && text.split('\n').length > 5) {
        closedAfter = text.split('\n').length - 1;
        child.stdout!.destroy();
      }
    },
  });
  expect(closedAfter).toBeGreaterThanOrEqual(5);
  expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
  expect(result.code).toBe(0);
  const [runId] = readdirSync(join(dir, 'fan-in'));
  const summary = JSON.parse(readFileSync(join(dir, 'fan-in', runId!, 'summary.json'), 'utf8'));
  expect(summary.status).toBe('released');
  expect(Object.values(summary.resources).map((r) => (r as { state: string }).state)).toEqual(Array(5).fill('RELEASED'));
  // the consumer ran after the pipe was gone: the run did not stop at the first failed write
  expect(readFileSync(join(dir, 'fan-in', runId!, 'consumer', 'stdout'), 'utf8')).toBe('one\ntwo\nthree\n');
});
