/**
 * linux::Application on a linux::Node over SSH passes the lifecycle kit, as on the local node
 * (test/testing/builtin-types.test.ts): every complete lifecycle, a failure injected at each
 * step, a release from every state, and its probe (run on the host) finds no process of its
 * group and no folder left after each release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxApplication } from '../../../src/index.js';
import { simpleLifecyclePaths, testResourceType } from '../../../src/testing/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());

describe('linux::Application over SSH', () => {
  it(`passes the kit's ${simpleLifecyclePaths({ restartable: true }).length} lifecycle paths, nothing left on the host`, async () => {
    const report = await testResourceType(LinuxApplication, {
      clock: 'real',
      connect: [{ type: 'linux::Node', attributes: sshd.node() }],
      // a group of processes that ends by itself (for `run ok`) but outlives every other step
      attributes: { command: 'sleep 1 & sleep 1; wait', stopTimeout: '1s' },
      stepTimeout: 20_000,
    });
    console.log(report.summary());
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(simpleLifecyclePaths({ restartable: true }).length);
  }, 120_000);
});
