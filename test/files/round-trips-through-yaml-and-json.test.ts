import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadExperimentFile, saveExperimentFile } from '../../src/files/index.js';
import { DummyApplication, DummyNode, ExperimentController, TypeRegistry, defineResourceType } from '../../src/index.js';
import { useTempFiles } from './temp-files.js';

/** A registry with the dummy types and a type with a map attribute. */
function registry(): TypeRegistry {
  const types = new TypeRegistry();
  types.register(DummyNode);
  types.register(DummyApplication);
  types.register(
    defineResourceType({
      type: 'test::Env',
      help: 'Holds environment variables.',
      attributes: { env: { type: 'map', help: 'Variables.' }, weight: { type: 'double', help: 'A weight.' }, label: { type: 'string', help: 'A label.' } },
    }),
  );
  return types;
}

/** An experiment using every part of the format. */
function experiment(types: TypeRegistry): ExperimentController {
  const ec = new ExperimentController({ expId: 'round-trip', record: false, registry: types });
  const node = ec.registerResource('dummy::Node', { provisionTime: '200ms' }, { name: 'node' });
  const server = ec.registerResource('dummy::Application', { deployTime: 100, runTime: '2m30s' }, { name: 'server' });
  const client = ec.registerResource('dummy::Application', { runTime: '1s', failAt: 'none', critical: false }, { name: 'my client' });
  const other = ec.registerResource('dummy::Node');
  const env = ec.registerResource('test::Env', { env: { PATH: '/bin', 'A B': 'x: y' }, weight: 0.5, label: 'true' }, { name: 'env' });
  ec.registerConnection(node, server);
  ec.registerConnection(client, node);
  ec.registerCondition(client, 'START', server, 'STARTED', '500ms');
  ec.registerCondition(client, 'STOP', [server, node], 'STOPPED');
  ec.registerCondition([server, other], 'DEPLOY', env, 'READY', 1500);
  ec.registerCondition(env, 'START', other, 'STARTED', 0);
  return ec;
}

describe('saving and loading', () => {
  const files = useTempFiles();

  it.each(['experiment.yaml', 'experiment.yml', 'experiment.json'])('gives back the same experiment through %s, condition times as written', async (name) => {
    const types = registry();
    const original = experiment(types);
    const path = files.path(name);
    await saveExperimentFile(original, path);
    const loaded = await loadExperimentFile(path, { record: false, registry: types });
    expect(loaded.describe()).toEqual(original.describe());
    expect(loaded.expId).toBe('round-trip');
    expect(loaded.describe().resources['my client']?.conditions?.[0]?.time).toBe('500ms');

    // and saving it again writes the same text
    const again = files.path(`again-${name}`);
    await saveExperimentFile(loaded, again);
    expect(await readFile(again, 'utf8')).toBe(await readFile(path, 'utf8'));
    await Promise.all([original.shutdown(), loaded.shutdown()]);
  });

  it('writes YAML a person can read', async () => {
    const ec = new ExperimentController({ expId: 'small', record: false });
    ec.registerResource('dummy::Node', {}, { name: 'node' });
    ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'app' });
    ec.registerConnection('app', 'node');
    ec.registerCondition('app', 'START', 'node', 'READY', '2s');
    const path = files.path('small.yaml');
    await saveExperimentFile(ec, path);
    expect(await readFile(path, 'utf8')).toBe(
      [
        'expId: small',
        'resources:',
        '  node:',
        '    type: dummy::Node',
        '  app:',
        '    type: dummy::Application',
        '    connect:',
        '      - node',
        '    attributes:',
        '      runTime: 1s',
        '    conditions:',
        '      - action: START',
        '        group:',
        '          - node',
        '        state: READY',
        '        time: 2s',
        '',
      ].join('\n'),
    );
    await ec.shutdown();
  });
});
