/**
 * `nepi clean RUN_DIR` on remote hosts: what a run whose controller died left on its hosts
 * (process groups, folders) is found from the run directory and removed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveMembers } from '../../../src/backends/linux/transport/local/process-groups.js';
import { cleanUp } from '../../../src/backends/cleanup.js';
import { ExperimentController } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, uniqueExpId } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
beforeAll(async () => {
  sshd = await startSshd();
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-clean-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(localDir, { recursive: true, force: true });
});

describe('the SSH cleaner', () => {
  it("kills the run's process groups on its hosts and removes its folders, and only those", async () => {
    const expId = uniqueExpId('ssh-clean');
    const ec = new ExperimentController({ localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    for (const name of ['a', 'b']) {
      ec.registerResource('linux::Application', { command: 'sleep 1000 & exec sleep 1000', critical: false }, { name });
      ec.registerConnection('host', name);
    }
    ec.deploy();
    await ec.waitStarted(['a', 'b']);
    const pgid = (guid: string) => (JSON.parse(readFileSync(join(ec.runDir, guid, 'process.json'), 'utf8')) as { pgid: number }).pgid;
    const groups = [pgid('a'), pgid('b')];
    expect(groups.every((group) => liveMembers(group).length > 0)).toBe(true);

    // as `nepi clean` does for a run whose controller was killed
    const report = (await cleanUp({ runDir: ec.runDir })).get('ssh')!;
    expect(report.problems).toEqual([]);
    const target = `${sshd.username}@127.0.0.1:${sshd.port}`;
    expect(report.removed).toEqual([
      `process group ${groups[0]} of 'a' on ${target}`,
      `process group ${groups[1]} of 'b' on ${target}`,
      `folder ${join(homedir(), '.nepi', expId, ec.runId)} on ${target}`,
    ]);
    expect(existsSync(join(homedir(), '.nepi', expId))).toBe(false);
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
    // a second clean finds nothing
    expect((await cleanUp({ runDir: ec.runDir })).get('ssh')).toEqual({ removed: [], problems: [] });
  });

  it("kills a launch whose pid was never recorded (its folder's pid file names it), and not a pid used again", async () => {
    const expId = uniqueExpId('ssh-clean');
    const ec = new ExperimentController({ localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    for (const name of ['unrecorded', 'reused']) {
      ec.registerResource('linux::Application', { command: 'sleep 1000', critical: false }, { name });
      ec.registerConnection('host', name);
    }
    ec.deploy();
    await ec.waitStarted(['unrecorded', 'reused']);
    const remote = (guid: string) => join(homedir(), '.nepi', expId, ec.runId, guid);
    const pgid = Number(readFileSync(join(remote('unrecorded'), 'pid'), 'utf8'));
    // as if the controller died between the launch and process.json
    unlinkSync(join(ec.runDir, 'unrecorded', 'process.json'));
    // 'reused': its pid file names another process (a pid used again), which must live on
    const reusedGroup = (JSON.parse(readFileSync(join(ec.runDir, 'reused', 'process.json'), 'utf8')) as { pgid: number }).pgid;
    unlinkSync(join(ec.runDir, 'reused', 'process.json'));
    const stranger = spawn('sleep', ['1000'], { stdio: 'ignore', detached: true });
    try {
      writeFileSync(join(remote('reused'), 'pid'), `${stranger.pid}\n`);
      const report = (await cleanUp({ runDir: ec.runDir })).get('ssh')!;
      expect(report.problems).toEqual([]);
      const target = `${sshd.username}@127.0.0.1:${sshd.port}`;
      expect(report.removed).toEqual([
        `process group ${pgid} of 'unrecorded' on ${target}`,
        `folder ${join(homedir(), '.nepi', expId, ec.runId)} on ${target}`,
      ]);
      expect(liveMembers(pgid)).toEqual([]);
      expect(liveMembers(stranger.pid!)).not.toEqual([]);
    } finally {
      stranger.kill('SIGKILL');
      process.kill(-reusedGroup, 'SIGKILL');
    }
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });
});
