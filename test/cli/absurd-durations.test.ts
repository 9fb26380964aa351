/** Durations have an upper bound (365 days): a run time or a condition delay beyond it is a file error, never a wait forever. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExperimentController } from '../../src/index.js';
import { MAX_DURATION, parseDuration } from '../../src/time/duration.js';
import { nepi } from './cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-durations-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses a run time and a condition delay longer than 365 days, with their positions, in validate, plan and run', async () => {
  const file = join(dir, 'absurd.yaml');
  writeFileSync(
    file,
    [
      'resources:',
      '  a: { type: dummy::Node, attributes: { runTime: 99999999999999999999999 } }',
      '  b:',
      '    type: dummy::Node',
      '    conditions: [{ action: START, group: a, state: STARTED, time: 100000000000000000d }]',
      '',
    ].join('\n'),
  );
  for (const args of [
    ['validate', file],
    ['plan', file, '-o', join(dir, 'plan')],
    ['run', file, '--local-dir', dir],
  ]) {
    const result = await nepi(args);
    expect(result.code, args[0]).toBe(2);
    expect(result.stderr).toContain(`${file}:2:50: resources.a.attributes.runTime: attribute 'runTime' duration 1e+23 is too long: at most 365d`);
    expect(result.stderr).toContain(`${file}:5:67: resources.b.conditions[0].time: duration "100000000000000000d" is too long: at most 365d`);
  }
});

it('takes 365 days exactly, and refuses a millisecond more, in files and in the API', () => {
  expect(parseDuration('365d')).toBe(MAX_DURATION);
  expect(() => parseDuration(MAX_DURATION + 1)).toThrow('is too long: at most 365d');
  const ec = new ExperimentController({ record: false });
  const a = ec.registerResource('dummy::Node', { runTime: '365d' });
  expect(() => ec.set(a, 'runTime', '366d')).toThrow('too long');
  expect(() => ec.registerCondition(a, 'STOP', a, 'STARTED', '400d')).toThrow('too long');
  ec.actor.stop();
});
