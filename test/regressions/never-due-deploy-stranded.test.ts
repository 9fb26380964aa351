/**
 * A shrunk counter-example of the property tests, saved as found. The engine was right; the
 * reference model was not: an application whose DEPLOY condition can never hold (it waits
 * for a node that fails critically) is stranded, and fails, when its own node fails
 * (non-critically) after READY: its DEPLOY was not sent.
 */
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../properties/experiment.js';
import { verify } from '../properties/harness.js';

const experiment: Experiment = {
  rms: [
    { name: 'n0', kind: 'node', group: 0, times: { discover: 0, provision: 1, deploy: 1, start: 1, stop: 0, release: 1 }, failAt: 'start', critical: true },
    { name: 'n1', kind: 'node', group: 0, times: { discover: 0, provision: 0, deploy: 1, start: 1, stop: 0, release: 1 }, failAt: 'start', critical: false },
    { name: 'n2', kind: 'node', group: 0, times: { discover: 1, provision: 0, deploy: 1, start: 1, stop: 1, release: 0 }, failAt: 'none', critical: false },
    {
      name: 'a0',
      kind: 'app',
      node: 'n1',
      group: 0,
      times: { discover: 0, provision: 0, deploy: 0, start: 0, stop: 0, release: 1 },
      failAt: 'none',
      critical: false,
    },
  ],
  conditions: [{ target: 'a0', action: 'DEPLOY', members: ['n0'], state: 'STARTED', delay: 1 }],
  waitAllReady: false,
  deployAt: [0, 1, 1],
};

describe('regression: a DEPLOY that is never due, when the node fails', () => {
  it('fails the application with its node, before the abort', async () => {
    const { violations, prediction } = await verify(experiment);
    expect(violations).toEqual([]);
    // n1 fails at 2 and strands a0; n0 fails critically at 3
    expect(prediction.timelines.get('a0')).toMatchObject({ failedAt: 2, failedStep: 'deploy' });
    expect(prediction.abortAt).toBe(3);
  });
});
