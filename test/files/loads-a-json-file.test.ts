import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/files/index.js';
import { useTempFiles } from './temp-files.js';

describe('loading a JSON experiment file', () => {
  const files = useTempFiles();

  it('reads JSON with the same parser and gives the same experiment as YAML', async () => {
    const experiment = {
      expId: 'json',
      resources: {
        node: { type: 'dummy::Node' },
        server: { type: 'dummy::Application', connect: ['node'], attributes: { runTime: '2s' } },
        client: {
          type: 'dummy::Application',
          connect: ['node'],
          conditions: [{ action: 'START', group: 'server', state: 'STARTED', time: '500ms' }],
        },
      },
    };
    const file = await files.write('experiment.json', JSON.stringify(experiment, null, 2));
    const ec = await loadExperimentFile(file, { record: false });
    expect(ec.describe()).toEqual({
      ...experiment,
      resources: {
        ...experiment.resources,
        client: { ...experiment.resources.client, conditions: [{ action: 'START', group: ['server'], state: 'STARTED', time: '500ms' }] },
      },
    });
    await ec.shutdown();
  });
});

describe('a $schema key', () => {
  const files = useTempFiles();

  it('is accepted for editors and left out of the experiment', async () => {
    const file = await files.write(
      'with-schema.json',
      JSON.stringify({ $schema: '../docs/experiment.schema.json', expId: 's', resources: { node: { type: 'dummy::Node' } } }),
    );
    const ec = await loadExperimentFile(file, { record: false });
    expect(ec.describe()).toEqual({ expId: 's', resources: { node: { type: 'dummy::Node' } } });
    await ec.shutdown();
  });
});
