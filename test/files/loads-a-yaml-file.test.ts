import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/files/index.js';
import { useTempFiles } from './temp-files.js';

describe('loading a YAML experiment file', () => {
  const files = useTempFiles();

  it('registers its resources by name, with their connections, attributes and conditions', async () => {
    const file = await files.write(
      'client-server.yaml',
      'expId: client-server',
      'resources:',
      '  node:   { type: dummy::Node }',
      '  server: { type: dummy::Application, connect: [node], attributes: { runTime: 2s } }',
      '  client:',
      '    type: dummy::Application',
      '    connect: [node]',
      '    attributes: { runTime: "1s", critical: false }',
      '    conditions:',
      '      - { action: START, group: [server], state: STARTED, time: 1s }',
      '      - action: STOP',
      '        group: server',
      '        state: FINISHED',
    );
    const ec = await loadExperimentFile(file, { record: false });
    expect(ec.expId).toBe('client-server');
    expect(ec.resources).toEqual(['node', 'server', 'client']);
    expect(ec.get('server', 'runTime')).toBe(2000);
    expect(ec.get('client', 'critical')).toBe(false);
    expect(ec.describe()).toEqual({
      expId: 'client-server',
      resources: {
        node: { type: 'dummy::Node' },
        server: { type: 'dummy::Application', connect: ['node'], attributes: { runTime: '2s' } },
        client: {
          type: 'dummy::Application',
          connect: ['node'],
          attributes: { runTime: '1s', critical: false },
          conditions: [
            { action: 'START', group: ['server'], state: 'STARTED', time: '1s' },
            { action: 'STOP', group: ['server'], state: 'FINISHED' },
          ],
        },
      },
    });
    expect(ec.state('client')).toBe('NEW');
    await ec.shutdown();
  });

  it('accepts anchors and aliases, and durations as numbers of milliseconds', async () => {
    const file = await files.write(
      'aliases.yml',
      'expId: aliases',
      'resources:',
      '  node: { type: dummy::Node }',
      '  a: &app { type: dummy::Application, connect: [node], attributes: { deployTime: 250 } }',
      '  b: *app',
      '  c:',
      '    type: dummy::Application',
      '    connect: [node]',
      '    conditions: [{ action: START, group: [a, b], state: READY, time: 1500 }]',
    );
    const ec = await loadExperimentFile(file, { record: false });
    expect(ec.get('b', 'deployTime')).toBe(250);
    expect(ec.describe().resources['c']?.conditions).toEqual([{ action: 'START', group: ['a', 'b'], state: 'READY', time: 1500 }]);
    await ec.shutdown();
  });
});
