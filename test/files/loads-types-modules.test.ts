/**
 * The `types` key of an experiment file, from code: its modules are loaded into a registry of
 * the controller's own, never into the registry it was given, so two runs in one process may
 * each have a type of the same name.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultRegistry, ExperimentFileError, loadExperimentFile, loadTypeModules, parseExperiment, TypeModuleError, TypeRegistry } from '../../src/index.js';
import { loadExperimentText } from '../../src/files/index.js';
import { sleeperModule, writeModule } from '../support/types-modules.js';
import { useTempFiles } from './temp-files.js';

const files = useTempFiles();
const FILE = (module: string) => ['expId: t', `types: [${module}]`, 'resources:', '  s: { type: my::Thing, attributes: { time: 5ms } }'];

describe('types modules named by an experiment file', () => {
  it('gives the controller a registry of its own: the default registry is left as it was', async () => {
    writeModule(files.path('lib/thing.mjs'), sleeperModule('my::Thing'));
    const ec = await loadExperimentFile(await files.write('exp.yaml', ...FILE('./lib/thing.mjs')), { record: false });
    expect(ec.registry).not.toBe(defaultRegistry);
    expect(ec.registry.moduleOf('my::Thing')).toBe(pathToFileURL(files.path('lib/thing.mjs')).href);
    expect(ec.registry.has('dummy::Node')).toBe(true);
    expect(defaultRegistry.has('my::Thing')).toBe(false);
    const summary = await ec.run();
    expect(summary.resources['s']).toMatchObject({ type: 'my::Thing', state: 'RELEASED', results: { slept: 5 } });
  });

  it('lets two runs of one process have different types of the same name', async () => {
    writeModule(files.path('a/thing.mjs'), sleeperModule('my::Thing', 'the first'));
    writeModule(files.path('b/thing.mjs'), sleeperModule('my::Thing', 'the second'));
    const first = await loadExperimentFile(await files.write('a/exp.yaml', ...FILE('./thing.mjs')), { record: false });
    const second = await loadExperimentFile(await files.write('b/exp.yaml', ...FILE('./thing.mjs')), { record: false });
    expect(first.registry.get('my::Thing').help).toBe('the first');
    expect(second.registry.get('my::Thing').help).toBe('the second');
    const [a, b] = await Promise.all([first.run(), second.run()]);
    expect([a.status, b.status]).toEqual(['released', 'released']);
  });

  it('adds to the registry it is given (a copy of it), and loads a module already there once', async () => {
    writeModule(files.path('thing.mjs'), sleeperModule('my::Thing'));
    writeModule(files.path('other.mjs'), sleeperModule('my::Other'));
    const given = await loadTypeModules([{ module: files.path('other.mjs'), from: '/', namedBy: 'the test' }]);
    expect(await loadTypeModules([], given)).toBe(given);
    expect(await loadTypeModules([{ module: './other.mjs', from: files.path(''), namedBy: 'again' }], given)).toBe(given);
    const ec = await loadExperimentFile(await files.write('exp.yaml', ...FILE('./thing.mjs')), { record: false, registry: given });
    expect(ec.registry.has('my::Other')).toBe(true);
    expect(ec.registry.has('my::Thing')).toBe(true);
    expect(given.has('my::Thing')).toBe(false);
    ec.actor.stop();
  });

  it('reports a module that fails at its entry of types, its TypeModuleError as the cause', async () => {
    const file = await files.write('exp.yaml', ...FILE('./nope.mjs'));
    const error = await loadExperimentFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExperimentFileError);
    expect(error).toMatchObject({ file, line: 2, column: 9, path: 'types[0]' });
    expect((error as Error).message).toBe(`${file}:2:9: types[0]: types module './nope.mjs' (${files.path('nope.mjs')}) cannot be loaded: no such file`);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(TypeModuleError);
    expect(cause).toMatchObject({ module: './nope.mjs', file: files.path('nope.mjs'), namedBy: `${file}:2:9: types[0]` });
  });

  it('checks the key: a list of paths; parsing alone loads nothing', async () => {
    expect(() => loadExperimentText(['types: ./x.js', 'resources: {}'].join('\n'), 'one.yaml')).toThrow(
      /^one\.yaml:1:8: types: expected a list of types modules \(paths of JavaScript files, e\.g\. \[\.\/my-types\.js\]\), got "\.\/x\.js"/,
    );
    expect(() => loadExperimentText(['types: [./x.js, 3]', 'resources: {}'].join('\n'), 'list.yaml')).toThrow(
      /^list\.yaml:1:17: types\[1\]: expected the path of a types module \(a JavaScript file\), got 3/,
    );
    const { description } = parseExperiment(['types: [./x.js]', 'resources: {}'].join('\n'), { registry: new TypeRegistry() });
    expect(description.types).toEqual(['./x.js']);
  });

  it('takes no ${parameters} in a module name', async () => {
    const file = await files.write('exp.yaml', ...FILE('"${dir}/thing.mjs"'));
    await expect(loadExperimentFile(file, { parameters: { dir: '.' } })).rejects.toThrow(
      `${file}:2:9: types[0]: '\${dir}/thing.mjs': a types module is named by a path, without \${parameters}`,
    );
  });
});

describe('loadTypeModules', () => {
  it('resolves a relative path from the source folder, and accepts a file: URL', async () => {
    const path = writeModule(files.path('dir/thing.mjs'), sleeperModule('my::Thing'));
    const relative = await loadTypeModules([{ module: 'thing.mjs', from: join(files.path('dir')), namedBy: 'test' }]);
    const url = await loadTypeModules([{ module: pathToFileURL(path).href, from: '/', namedBy: 'test' }]);
    expect(relative.get('my::Thing')).toBe(url.get('my::Thing'));
  });
});
