import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLES, nepi } from './cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('nepi commands', () => {
  it('validates a good file', async () => {
    const result = await nepi(['validate', join(EXAMPLES, 'client-server.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('client-server.yaml: valid (3 resources, 1 conditions)');
  });

  it('rejects a bad file with exit code 2 and the position of the error', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'resources:',
        '  server: { type: linux::Node }',
        '  client:',
        '    type: linux::Node',
        '    conditions:',
        '      - { action: START, group: [sever], state: STARTED }',
      ].join('\n'),
    );
    const result = await nepi(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:6:`);
    expect(result.stderr).toContain("unknown resource 'sever' - did you mean 'server'?");
  });

  it('lists resource types with their attributes and traces', async () => {
    const result = await nepi(['types']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('linux::Application:');
    expect(result.stdout).toContain('dummy::Node:');
    expect(result.stdout).toMatch(/command: string, required - /);
    expect(result.stdout).toMatch(/stopTimeout: duration, default 5s - /);
    expect(result.stdout).toMatch(/failAt: enum, default "none", one of none \| discover/);
    expect(result.stdout).toContain('stdout: ');
    const one = await nepi(['types', 'linux::Node']);
    expect(one.stdout).toContain('hostname: string, default "localhost"');
    expect(one.stdout).not.toContain('linux::Application:');
  });

  it('reports an unknown type with exit code 2 and a suggestion', async () => {
    const result = await nepi(['types', 'linux::Nod']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown resource type 'linux::Nod' - did you mean 'linux::Node'?");
  });

  it('shows the summary of a past run', async () => {
    const run = await nepi(['run', join(EXAMPLES, 'fan-in.yaml'), '--local-dir', dir]);
    const runDir = /run directory: (.*)/.exec(run.stdout)![1]!;
    const result = await nepi(['show', runDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status: released (5 resources, 0 failures)');
    expect(result.stdout).toMatch(/consumer\s+linux::Application\s+RELEASED\s+DISCOVERED/);
  });

  it('refuses to show a directory that is not a run', async () => {
    const result = await nepi(['show', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a run directory');
  });

  it('prints help and version with exit code 0, and exits 2 on bad usage', async () => {
    const help = await nepi(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('run [options] <file>');
    const version = await nepi(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await nepi(['frobnicate'])).code).toBe(2);
    expect((await nepi(['run'])).code).toBe(2);
  });
});
