/**
 * A remote step command that never ends (a `depends` that hangs) must not stall the release
 * and the shutdown: the step fails at its deployTimeout, the release waits for it a bounded
 * time (the application's stopTimeout), then kills the command's process group on the host.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, uniqueExpId, until } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
let expId: string;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-steptimeout-'));
  expId = uniqueExpId('ssh-steptimeout');
});
afterEach(() => {
  rmSync(localDir, { recursive: true, force: true });
  rmSync(join(homedir(), '.nepi', expId), { recursive: true, force: true });
});

/** Processes whose command line contains `needle` (the hung depends command). */
function running(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('a remote step command that never ends', () => {
  it('fails the application at deployTimeout, and the shutdown kills it on the host within a bound', async () => {
    // a duration no other process uses: its processes are found by their command line
    const seconds = 1000 + (process.pid % 997);
    const ec = new ExperimentController({ localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    ec.registerResource('linux::Application', { command: 'true', depends: `sleep ${seconds}`, deployTimeout: '1s', stopTimeout: '1s' }, { name: 'app' });
    ec.registerConnection('host', 'app');
    const t0 = performance.now();
    const summary = await ec.run();
    const elapsed = performance.now() - t0;
    expect(summary.failures.map((f) => `${f.guid}@${f.step}`)).toContain('app@deploy');
    expect(String(ec.getResource('app').error)).toMatch(/deployTimeout/);
    expect(elapsed).toBeLessThan(15_000);
    expect(running(`sleep ${seconds}`)).toEqual([]);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('is killed by a shutdown that comes while it runs (no timeout): the release waits at most stopTimeout', async () => {
    const seconds = 2000 + (process.pid % 997);
    const ec = new ExperimentController({ localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    ec.registerResource('linux::Application', { command: 'true', depends: `sleep ${seconds}`, stopTimeout: '1s' }, { name: 'app' });
    ec.registerConnection('host', 'app');
    ec.deploy();
    await until(() => running(`sleep ${seconds}`).length > 0, 'the depends command to run on the host');
    const t0 = performance.now();
    await ec.shutdown();
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(ec.state('app')).toBe('RELEASED');
    expect(running(`sleep ${seconds}`)).toEqual([]);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });
});
