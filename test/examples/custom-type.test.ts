/** examples/custom-type: the user type `demo::Counter` through every lifecycle path, and its experiment file run by `nepi run`. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testResourceType } from '../../src/testing/index.js';
import { Counter } from '../../examples/custom-type/counter.js';
import { EXAMPLES, nepi } from '../cli/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nepi-custom-type-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the custom-type example', () => {
  it('passes every lifecycle path of testResourceType', async () => {
    const report = await testResourceType(Counter, { attributes: { to: 2, interval: '10ms' } });
    expect(report).toMatchObject({ type: 'demo::Counter', paths: 32, passed: 32, failures: [], skipped: 0 });
  });

  it('runs its experiment file with nepi run: the file names the compiled module in types', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'custom-type', 'counter.yaml'), '--local-dir', dir, '-q']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status: released (2 resources, 0 failures)');
    expect(result.stdout).toMatch(/results:\n {2}fast: count 5\n {2}slow: count 2\n/);
    const [run] = readdirSync(join(dir, 'custom-type'));
    expect(
      readFileSync(join(dir, 'custom-type', run!, 'fast', 'ticks'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(5);
  });
});
