/**
 * The package as a user gets it: `npm pack` (of the dist/ that `npm test` built), installed
 * into an empty project outside the repository, then used there as an app would: its three
 * entry points imported, an experiment run on the dummy backend, the `nepi` binary run, a
 * TypeScript file type-checked against the package's types (moduleResolution bundler and
 * node16, skipLibCheck off, so a type the package leaks from a dependency without its types
 * shows), and the package bundled by a tree-shaking bundler, which must keep the modules
 * its `sideEffects` names (the built-in backends register themselves on import).
 *
 * The install runs with --ignore-scripts: better-sqlite3's native build is only needed by
 * campaigns, and would take minutes here.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const run = promisify(execFile);

/** npm, without the npm_* variables of an enclosing `npm test` (its prefix, its package). */
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));

interface PackedFile {
  readonly path: string;
}

const USES_THE_PACKAGE = `
import { ExperimentController } from 'nepi';
import { controllerMachine, resourceMachine } from 'nepi/machines';
import { VirtualClock } from 'nepi/testing';
import { readFileSync } from 'node:fs';

const ec = new ExperimentController({ expId: 'packed', localDir: 'runs' });
const node = ec.registerResource('dummy::Node', { provisionTime: '10ms' }, { name: 'node' });
const app = ec.registerResource('dummy::Application', { runTime: '20ms' }, { name: 'app' });
ec.registerConnection(node, app);
const summary = await ec.run();
const internal = await import('nepi/dist/src/errors.js').then(() => 'importable', (error) => error.code);
console.log(JSON.stringify({
  status: summary.status,
  states: Object.fromEntries(Object.entries(summary.resources).map(([guid, r]) => [guid, r.state])),
  recorded: JSON.parse(readFileSync(summary.runDir + '/summary.json', 'utf8')).status,
  load: typeof ExperimentController.load,
  machines: [resourceMachine.id, controllerMachine.id],
  clock: new VirtualClock().now(),
  internal,
}));
`;

const TYPED_USE = `
import { ExperimentController, type ExperimentDescription, type RunSummary } from 'nepi';
import { resourceMachine, type ResourceSnapshot } from 'nepi/machines';
import { runInVirtualTime, testResourceType, VirtualClock } from 'nepi/testing';

const ec: ExperimentController = new ExperimentController({ expId: 'typed', record: false, clock: new VirtualClock() });
const node: string = ec.registerResource('dummy::Node');
ec.registerConnection(node, ec.registerResource('dummy::Application', { runTime: '10ms' }));
const description: ExperimentDescription = ec.describe();
const summary: Promise<RunSummary> = ec.run();
const loaded: Promise<ExperimentController> = ExperimentController.load('experiment.yaml');
let snapshot: ResourceSnapshot | undefined;
// @ts-expect-error an unknown step is not a StepName
const wrong: import('nepi').StepName = 'dance';
void [description, summary, loaded, snapshot, wrong, resourceMachine, runInVirtualTime, testResourceType];
`;

const BUNDLED = `
import { ExperimentController } from 'nepi';

const ec = new ExperimentController({ expId: 'bundled', record: false });
const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
ec.registerConnection(node, ec.registerResource('dummy::Application', { runTime: '10ms' }, { name: 'app' }));
console.log(JSON.stringify({ status: (await ec.run()).status, load: typeof ExperimentController.load }));
`;

describe('the package installed from its tarball', () => {
  let dir: string;
  let app: string;
  let packed: { filename: string; entryCount: number; files: PackedFile[] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-package-'));
    // --ignore-scripts: no `prepare` rebuilding dist/ under the feet of the tests running beside this one
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, env });
    packed = JSON.parse(stdout)[0];
    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const typesNode = `@types/node@${pkg.devDependencies['@types/node']}`;
    await run('npm', ['install', join(dir, packed.filename), typesNode, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env });
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships the built library and its types, docs, README and LICENSE, and nothing else', () => {
    const paths = packed.files.map((file) => file.path);
    const stray = paths.filter((path) => !/^(dist\/(src|machines)\/.*\.(js|d\.ts)|docs\/.+|README\.md|LICENSE|package\.json)$/.test(path));
    expect(stray).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/src/index.d.ts', 'dist/machines/index.d.ts', 'dist/src/testing/index.d.ts']));
    expect(paths).toContain(pkg.bin.nepi);
  });

  it('imports nepi, nepi/machines and nepi/testing and runs an experiment on the dummy backend', async () => {
    writeFileSync(join(app, 'use.mjs'), USES_THE_PACKAGE);
    const { stdout } = await run(process.execPath, ['use.mjs'], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({
      status: 'released',
      states: { node: 'RELEASED', app: 'RELEASED' },
      recorded: 'released',
      load: 'function',
      machines: ['resource', 'controller'],
      clock: 0,
      internal: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  }, 60_000);

  it('installs the nepi binary', async () => {
    const bin = join(app, 'node_modules/.bin/nepi');
    expect((await run(bin, ['--version'], { cwd: app })).stdout.trim()).toBe(pkg.version);
    expect((await run(bin, ['types'], { cwd: app })).stdout).toMatch(/^dummy::Node/m);
  }, 60_000);

  it.each([
    ['bundler', 'esnext'],
    ['node16', 'node16'],
  ])(
    'type-checks an app against the package under moduleResolution %s',
    async (moduleResolution, module) => {
      writeFileSync(join(app, 'typed.ts'), TYPED_USE);
      // lib dom: the types of @statelyai/inspect and @viz-js/viz, which nepi's declarations import, name DOM types
      const lib = ['es2023', 'dom'];
      const compilerOptions = { module, moduleResolution, target: 'es2022', lib, types: ['node'], strict: true, noEmit: true, skipLibCheck: false };
      writeFileSync(join(app, `tsconfig.${moduleResolution}.json`), JSON.stringify({ compilerOptions, files: ['typed.ts'] }));
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      const result = await run(process.execPath, [tsc, '-p', `tsconfig.${moduleResolution}.json`], { cwd: app }).catch((error: { stdout: string }) => error);
      expect(result.stdout).toBe('');
    },
    120_000,
  );

  it('keeps the built-in backends registered when a bundler tree-shakes it', async () => {
    writeFileSync(join(app, 'bundled.mjs'), BUNDLED);
    const { build } = await import('rolldown');
    // bundle nepi itself; its dependencies stay imports
    const external = (id: string) => !/^(\.|\/|nepi($|\/))/.test(id);
    await build({ cwd: app, input: join(app, 'bundled.mjs'), platform: 'node', external, logLevel: 'silent', output: { file: join(app, 'bundle.mjs') } });
    const { stdout } = await run(process.execPath, ['bundle.mjs'], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ status: 'released', load: 'function' });
  }, 120_000);
});
