import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('run({ signal })', () => {
  it('leaves no listener on the signal once a run ends, however many runs share it', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 12; i++) {
      const { ec, clock } = virtualExperiment();
      nodeWithApps(ec, 1, { runTime: '1s' });
      const summary = await settle(clock, ec.run({ signal }));
      expect(summary.status).toBe('released');
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    }
  });
});
