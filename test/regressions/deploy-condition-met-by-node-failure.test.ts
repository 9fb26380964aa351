/**
 * A shrunk counter-example of the property tests (test/properties), saved as found. The
 * engine was right; the reference model was not: an application whose DEPLOY condition
 * waits for its node to be STARTED, when the node fails (non-critically) at start. The
 * failure counts as STARTED for the condition, but "an application does not deploy on a
 * node that failed": the application fails with it, and, critical, aborts the experiment.
 */
import { describe, expect, it } from 'vitest';
import { ExperimentAbortedError } from '../../src/index.js';
import { settle, virtualExperiment } from '../helpers.js';
import type { Experiment } from '../properties/experiment.js';
import { verify } from '../properties/harness.js';

const zero = { discover: 0, provision: 0, deploy: 0, start: 0, stop: 0, release: 0 };

/** As fast-check shrunk it (seed -1981410981). */
const experiment: Experiment = {
  rms: [
    { name: 'n0', kind: 'node', group: 0, times: zero, failAt: 'start', critical: false },
    { name: 'n1', kind: 'node', group: 0, times: { ...zero, provision: 1, stop: 1, release: 1 }, failAt: 'none', critical: false },
    { name: 'a0', kind: 'app', node: 'n0', group: 0, times: { ...zero, start: 1 }, failAt: 'none', critical: true },
  ],
  conditions: [{ target: 'a0', action: 'DEPLOY', members: ['n0'], state: 'STARTED', delay: 0 }],
  waitAllReady: false,
};

describe('regression: a DEPLOY condition met by the failure of the node', () => {
  it('holds every property', async () => {
    expect((await verify(experiment)).violations).toEqual([]);
  });

  it('fails the application with its node instead of deploying it', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node', { failAt: 'start', critical: false }, { name: 'n0' });
    const app = ec.registerResource('dummy::Application', {}, { name: 'a0' });
    ec.registerConnection(node, app);
    ec.registerCondition(app, 'DEPLOY', node, 'STARTED');
    ec.deploy(undefined, { waitAllReady: false });
    const error = await settle(
      clock,
      ec.waitFinished().catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(ExperimentAbortedError);
    expect(ec.failures.map((f) => [f.guid, f.step, f.time, f.critical])).toEqual([
      ['n0', 'start', 0, false],
      ['a0', 'deploy', 0, true],
    ]);
    expect(ec.getResource(app).times.DISCOVERED).toBeUndefined();
  });
});
