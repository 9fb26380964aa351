// Found by the fuzzer (test/fuzz): `nepi validate` shut the experiment down, which released
// every resource and so ran its release step on the real clock: a file with
// `releaseTime: 1h` took an hour to validate (and a failing release step ran for nothing).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nepi-validate-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nepi validate', () => {
  it('runs no release step: a resource that takes an hour to release validates at once', async () => {
    const file = join(dir, 'slow-release.yaml');
    writeFileSync(file, 'resources:\n  n: { type: dummy::Node, attributes: { releaseTime: 1h, failAt: release } }\n');
    const started = performance.now();
    const result = await nepi(['validate', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid (1 resources, 0 conditions)');
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
