import { describe, expect, it } from 'vitest';
import { InvalidActionError } from '../../src/index.js';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('shutdown', () => {
  it('shares one shutdown between concurrent calls and writes one summary', async () => {
    const { ec, clock } = virtualExperiment();
    nodeWithApps(ec, 2, { releaseTime: '1s' });
    ec.deploy();
    await clock.runAll();
    const first = ec.shutdown();
    const second = ec.shutdown();
    expect(second).toBe(first);
    const summary = await settle(clock, first);
    expect(summary.status).toBe('released');
    expect(await ec.shutdown()).toBe(summary);
  });

  it('answers waits after shutdown from the final states instead of hanging', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 1, { runTime: '1s' });
    ec.deploy();
    await settle(clock, ec.waitFinished(apps));
    await settle(clock, ec.shutdown());
    // everything is RELEASED, the last state: every wait holds at once
    await expect(ec.waitReleased()).resolves.toBeUndefined();
    await expect(ec.waitFinished([node, ...apps])).resolves.toBeUndefined();
    await expect(ec.waitStarted(node)).resolves.toBeUndefined();
    expect(() => ec.start(node)).toThrow(InvalidActionError);
  });

  it('writes no run directory for an experiment never deployed', async () => {
    const { mkdtempSync, existsSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ExperimentController } = await import('../../src/index.js');
    const localDir = mkdtempSync(join(tmpdir(), 'nepi-none-'));
    try {
      const ec = new ExperimentController({ localDir });
      ec.registerResource('dummy::Node');
      await ec.shutdown();
      expect(existsSync(ec.runDir)).toBe(false);
    } finally {
      rmSync(localDir, { recursive: true, force: true });
    }
  });
});
