/**
 * linux::Application over SSH, the kit's shortest paths with a process that ignores SIGTERM
 * (stop ends with SIGKILL after stopTimeout), as test/testing/builtin-types.test.ts does on
 * the local node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxApplication } from '../../../src/index.js';
import { testResourceType } from '../../../src/testing/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());

describe('linux::Application over SSH, a process that ignores SIGTERM', () => {
  it('passes its shortest paths with a process that ignores SIGTERM', async () => {
    const report = await testResourceType(LinuxApplication, {
      clock: 'real',
      connect: [{ type: 'linux::Node', attributes: sshd.node() }],
      paths: 'shortest',
      filter: (path) => !path.events.includes('run ok'),
      attributes: { command: "trap '' TERM; sleep 5 & sleep 5; wait", stopTimeout: 200 },
      stepTimeout: 20_000,
    });
    console.log(report.summary());
    expect(report.failures).toEqual([]);
    expect(report.paths).toBeGreaterThan(10);
  }, 60_000);
});
