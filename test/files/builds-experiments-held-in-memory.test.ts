import { describe, expect, it } from 'vitest';
import { buildExperiment, ExperimentFileError } from '../../src/files/index.js';
import { ExperimentController } from '../../src/index.js';

describe('building an experiment from a description in memory', () => {
  it("copies another controller's experiment", async () => {
    const ec = new ExperimentController({ expId: 'copy', record: false });
    ec.registerResource('dummy::Node', {}, { name: 'node' });
    ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'app' });
    ec.registerConnection('node', 'app');
    ec.registerCondition('app', 'STOP', 'app', 'STARTED', '3s');
    const copy = buildExperiment(ec.describe(), { record: false });
    expect(copy.describe()).toEqual(ec.describe());
    const renamed = buildExperiment(ec.describe(), { record: false, expId: 'other' });
    expect(renamed.expId).toBe('other');
    await Promise.all([ec.shutdown(), copy.shutdown(), renamed.shutdown()]);
  });

  it('checks it as a file, with paths and no positions', () => {
    const description = { expId: 'bad', resources: { node: { type: 'dummy::Nod' } } };
    expect(() => buildExperiment(description, { record: false })).toThrow(ExperimentFileError);
    expect(() => buildExperiment(description, { record: false })).toThrow(
      "<description>: resources.node.type: unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?",
    );
  });

  it('reports a cycle at the condition it starts from', () => {
    const description = {
      resources: {
        node: { type: 'dummy::Node', conditions: [{ action: 'DEPLOY' as const, group: ['node'], state: 'READY' as const }] },
      },
    };
    expect(() => buildExperiment(description, { record: false })).toThrow(
      "<description>: resources.node.conditions[0]: conditions form a cycle and can never hold: 'node' DEPLOY waits for 'node' READY (condition)",
    );
  });
});
