/**
 * linux::Node over SSH passes the lifecycle kit, as the local node does
 * (test/testing/builtin-types.test.ts): every complete lifecycle, a failure injected at each
 * step, a release from every state. Its `run` lasts as long as the connection: the paths
 * where it ends by itself (`run ok`) are left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxNode } from '../../../src/index.js';
import { testResourceType } from '../../../src/testing/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { until } from './helpers.js';

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());

describe('linux::Node over SSH', () => {
  it('passes every lifecycle path of the kit but those where its run ends by itself', async () => {
    const report = await testResourceType(LinuxNode, {
      clock: 'real',
      attributes: sshd.node(),
      filter: (path) => !path.events.includes('run ok'),
      stepTimeout: 20_000,
    });
    console.log(report.summary());
    expect(report.failures).toEqual([]);
    expect(report.paths).toBeGreaterThanOrEqual(28);
    // every connection was closed
    await until(() => sshd.sessions().length === 0, 'the sessions to close', 5000);
  }, 60_000);
});
