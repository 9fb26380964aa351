/**
 * Types modules on the command line: the modules an experiment file names in `types`, those
 * of `--types` and those of NEPI_TYPES_PATH's folders, and every way a module can be wrong,
 * each said with the module's name and where it was named (exit code 2).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_NEPI, sleeperModule, writeModule } from '../support/types-modules.js';
import { nepi } from './cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-types-'));
  writeModule(join(dir, 'types', 'sleeper.mjs'), sleeperModule('my::Sleeper'));
  writeModule(join(dir, 'path-a', 'one.mjs'), sleeperModule('path::One'));
  writeModule(join(dir, 'path-a', 'two.js'), sleeperModule('path::Two'));
  writeModule(join(dir, 'path-a', 'notes.md'), 'not a module: skipped\n');
  writeModule(join(dir, 'exp', 'exp.yaml'), ['expId: exp', 'types: [../types/sleeper.mjs]', 'resources:', '  s: { type: my::Sleeper }', ''].join('\n'));
  writeModule(join(dir, 'flag.yaml'), ['expId: flag', 'resources:', '  s: { type: my::Sleeper }', ''].join('\n'));
  writeModule(
    join(dir, 'path.yaml'),
    ['expId: path', 'resources:', '  one: { type: path::One, plan: { run: 1s } }', '  two: { type: path::Two }', '  s: { type: my::Sleeper }', ''].join('\n'),
  );
  writeModule(join(dir, 'bad', 'missing.yaml'), ['types: [./nope.js]', 'resources:', '  n: { type: dummy::Node }', ''].join('\n'));
  writeModule(join(dir, 'bad', 'throws.yaml'), ['types: [./throws.mjs]', 'resources:', '  n: { type: dummy::Node }', ''].join('\n'));
  writeModule(join(dir, 'bad', 'throws.mjs'), `${IMPORT_NEPI}\nthrow new Error('boom in module');\n`);
  writeModule(join(dir, 'bad', 'syntax.mjs'), 'export default [ 1, ;\n');
  writeModule(join(dir, 'bad', 'empty.mjs'), 'export const x = 1;\n');
  writeModule(join(dir, 'bad', 'not-a-type.mjs'), "export default ['my::Thing'];\n");
  writeModule(join(dir, 'bad', 'builtin.mjs'), sleeperModule('dummy::Node'));
  writeModule(join(dir, 'bad', 'twin.mjs'), sleeperModule('my::Sleeper', 'Another sleeper of the same name.'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withPath = (value: string) => ({ ...process.env, NEPI_TYPES_PATH: value });

describe('types modules', () => {
  it("loads the modules an experiment file names in `types`, resolved from the file's folder", async () => {
    const result = await nepi(['run', join('exp', 'exp.yaml'), '--local-dir', 'runs', '-q'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status: released (1 resource, 0 failures)');
    // the summary gives the unit the module's type declares
    expect(result.stdout).toContain('  s: slept 20 ms');
    expect(result.stdout).toContain('my::Sleeper  ok=1');
  });

  it('loads the modules of --types, resolved from the working directory', async () => {
    const result = await nepi(['validate', 'flag.yaml', '--types', './types/sleeper.mjs'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('flag.yaml: valid (1 resources, 0 conditions)\n');
    expect(result.code).toBe(0);
    const without = await nepi(['validate', 'flag.yaml'], { cwd: dir });
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("flag.yaml:3:14: resources.s.type: unknown resource type 'my::Sleeper'");
  });

  it("loads every .js and .mjs module of NEPI_TYPES_PATH's folders, separated by colons", async () => {
    const result = await nepi(['plan', 'path.yaml', '-o', 'plan'], { cwd: dir, env: withPath(`${join(dir, 'path-a')}::types`) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/one\s+path::One\s+0s\s+0s\s+0s\s+1s FINISHED/);
    expect(result.stdout).toMatch(/two\s+path::Two/);
    expect(result.stdout).toMatch(/s\s+my::Sleeper/);
  });

  it("finds the file's types in every run of a campaign, and in graph and show --expanded", async () => {
    const campaign = await nepi(['run', join('exp', 'exp.yaml'), '--runs', '2', '--local-dir', 'campaign-runs'], { cwd: dir });
    expect(campaign.stderr).toBe('');
    expect(campaign.code).toBe(0);
    expect(campaign.stdout).toMatch(/run 2: ok/);
    const graph = await nepi(['graph', join('exp', 'exp.yaml')], { cwd: dir });
    expect(graph.code).toBe(0);
    expect(graph.stdout).toContain('my::Sleeper');
    const shown = await nepi(['show', '--expanded', 'flag.yaml', '--types', 'types/sleeper.mjs'], { cwd: dir });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('  s:\n    type: my::Sleeper\n');
  });

  it('loads a module named twice (in the file and with --types) once', async () => {
    const result = await nepi(['validate', join('exp', 'exp.yaml'), '--types', join(dir, 'types', 'sleeper.mjs')], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('lists the types of the modules with nepi types, and the file each came from', async () => {
    const flagged = await nepi(['types', '--types', 'types/sleeper.mjs'], { cwd: dir });
    expect(flagged.code).toBe(0);
    expect(flagged.stdout).toContain(`my::Sleeper: Sleeps for its time.\n  from: ${join(dir, 'types', 'sleeper.mjs')}\n  attributes:\n`);
    expect(flagged.stdout).toContain('    slept: How long it slept. (ms)');
    expect(flagged.stdout).toContain('dummy::Node: ');
    const one = await nepi(['types', 'path::Two'], { cwd: dir, env: withPath('path-a') });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`^path::Two: Sleeps for its time.\\n  from: ${join(dir, 'path-a', 'two.js')}\\n`));
    const plain = await nepi(['types'], { cwd: dir });
    expect(plain.stdout).not.toContain('my::Sleeper');
    expect(plain.stdout).not.toContain('from:');
  });

  describe('a module that cannot be used is an error naming it and where it was named', () => {
    it('a missing module named in the file: at its entry of types, and nothing runs', async () => {
      const result = await nepi(['run', join('bad', 'missing.yaml'), '--local-dir', 'missing-runs'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `nepi: ${join('bad', 'missing.yaml')}:1:9: types[0]: types module './nope.js' (${join(dir, 'bad', 'nope.js')}) cannot be loaded: no such file\n> 1 | types: [./nope.js]\n`,
      );
      expect(existsSync(join(dir, 'missing-runs'))).toBe(false);
    });

    it('a missing module of --types', async () => {
      const result = await nepi(['validate', 'flag.yaml', '--types', './nope.mjs'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`nepi: --types ./nope.mjs: types module './nope.mjs' (${join(dir, 'nope.mjs')}) cannot be loaded: no such file\n`);
    });

    it('a module that throws as it loads: what it threw and where', async () => {
      const result = await nepi(['validate', join('bad', 'throws.yaml')], { cwd: dir });
      expect(result.code).toBe(2);
      const file = join(dir, 'bad', 'throws.mjs');
      expect(result.stderr).toContain(
        `nepi: ${join('bad', 'throws.yaml')}:1:9: types[0]: types module './throws.mjs' (${file}) cannot be loaded: Error: boom in module (at file://${file}:2:7)`,
      );
    });

    it('a module with a syntax error', async () => {
      const result = await nepi(['types', '--types', 'bad/syntax.mjs'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `nepi: --types bad/syntax.mjs: types module 'bad/syntax.mjs' (${join(dir, 'bad', 'syntax.mjs')}) cannot be loaded: SyntaxError:`,
      );
      expect(result.stdout).toBe('');
    });

    it('a module that exports no resource types', async () => {
      const empty = await nepi(['types', '--types', 'bad/empty.mjs'], { cwd: dir });
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain(
        "nepi: --types bad/empty.mjs: types module 'bad/empty.mjs' (" +
          `${join(dir, 'bad', 'empty.mjs')}) has no default export (it exports x): expected \`export default [MyType, ...]\` of types made by defineResourceType`,
      );
      const strings = await nepi(['types', '--types', 'bad/not-a-type.mjs'], { cwd: dir });
      expect(strings.code).toBe(2);
      expect(strings.stderr).toContain("its default export's entry 0 is 'my::Thing' (a string), not a resource type");
    });

    it('a module that registers the name of a built-in type', async () => {
      const result = await nepi(['types', '--types', 'bad/builtin.mjs'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `nepi: --types bad/builtin.mjs: types module 'bad/builtin.mjs' (${join(dir, 'bad', 'builtin.mjs')}) registers 'dummy::Node', a name already taken by a built-in type`,
      );
    });

    it("a module that registers the name another module's type has: both are named", async () => {
      const result = await nepi(['validate', join('exp', 'exp.yaml'), '--types', 'bad/twin.mjs'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `nepi: ${join('exp', 'exp.yaml')}:2:9: types[0]: types module '../types/sleeper.mjs' (${join(dir, 'types', 'sleeper.mjs')}) ` +
          `registers 'my::Sleeper', a name already taken by types module ${join(dir, 'bad', 'twin.mjs')}`,
      );
    });

    it('a folder of NEPI_TYPES_PATH that cannot be read, and a bad module in one', async () => {
      const missing = await nepi(['types'], { cwd: dir, env: withPath('no-such-folder') });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`nepi: NEPI_TYPES_PATH folder no-such-folder: cannot read folder ${join(dir, 'no-such-folder')}: ENOENT`);
      const bad = await nepi(['types'], { cwd: dir, env: withPath(join(dir, 'bad')) });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^nepi: NEPI_TYPES_PATH folder .*\/bad: builtin\.mjs: types module '.*\/bad\/builtin\.mjs' registers 'dummy::Node'/);
    });
  });
});
