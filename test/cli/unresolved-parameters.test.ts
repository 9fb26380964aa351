/**
 * A `${name}` with no value is an error at validate, plan and run, naming the parameter and
 * its line, and never a literal handed to bash; `--param NAME=VALUE` (and `--sweep` for
 * validate) give it a value.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLES, nepi } from './cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-params-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sweep = join(EXAMPLES, 'sweep.yaml');
const NO_VALUE = /sweep\.yaml:27:16: resources\.client\.attributes\.command: parameter 'rate' has no value: give one with --param rate=VALUE/;

describe('a parameter without a value', () => {
  it('is an error of validate, plan and run (exit 2), with its line and column, and nothing runs', async () => {
    for (const args of [
      ['validate', sweep],
      ['plan', sweep, '-o', join(dir, 'plan')],
      ['run', sweep, '--local-dir', dir],
    ]) {
      const result = await nepi(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(NO_VALUE);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'sweep'))).toBe(false);
    expect(existsSync(join(dir, 'plan'))).toBe(false);
  });

  it('is given by --param to validate and plan, and by --sweep to validate (every value checked)', async () => {
    const valid = await nepi(['validate', sweep, '--param', 'rate=100']);
    expect(valid).toMatchObject({ code: 0, stdout: `${sweep}: valid (3 resources, 1 conditions)\n` });
    const swept = await nepi(['validate', sweep, '--sweep', 'rate=100,200']);
    expect(swept.code).toBe(0);
    expect(swept.stdout.trim().split('\n')).toEqual([
      `${sweep}: valid with rate=100 (3 resources, 1 conditions)`,
      `${sweep}: valid with rate=200 (3 resources, 1 conditions)`,
    ]);
    const plan = await nepi(['plan', sweep, '--param', 'rate=100', '-o', join(dir, 'plan')]);
    expect(plan.code).toBe(0);
    expect(existsSync(join(dir, 'plan'))).toBe(true);
  });

  it('names a --param the file does not use, and a malformed one', async () => {
    expect((await nepi(['validate', sweep, '--param', 'rate=1', '--param', 'rat=2'])).stderr).toContain("parameter 'rat' is never used");
    const bad = await nepi(['validate', sweep, '--param', 'rate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected --param NAME=VALUE, got 'rate'");
  });
});
