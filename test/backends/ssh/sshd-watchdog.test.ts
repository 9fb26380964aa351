/**
 * The throw-away sshd of the tests (test/support/sshd.ts) never outlives the test process: a
 * killed test worker (SIGKILL, or a Ctrl-C that reaches its process group) must not leave
 * `sshd -D -e -f /tmp/nepi-sshd-*` running, nor its sessions, nor its folder. Here a `sleep`
 * stands for the test process (the watchdog's owner).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startSshd } from '../../support/sshd.js';
import { until } from './helpers.js';

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

describe('the test sshd', () => {
  it('goes with every session and its folder when its owner is killed, even after a SIGINT to it', async () => {
    const owner = spawn('sleep', ['60'], { stdio: 'ignore' });
    const sshd = await startSshd({ owner: owner.pid! });
    const client = spawn(
      'ssh',
      [
        '-i',
        sshd.identity,
        '-p',
        String(sshd.port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        `${sshd.username}@127.0.0.1`,
        'sleep 60',
      ],
      { stdio: 'ignore' },
    );
    try {
      await until(() => sshd.sessions().length > 0, 'an SSH session');
      const all = sshd.pids();
      const [watchdog] = all;
      const server = all.find((pid) => cmdline(pid).includes(`${sshd.dir}/sshd_config`) && !cmdline(pid).startsWith('bash'))!;
      expect(server).toBeDefined();
      expect(all.length).toBeGreaterThanOrEqual(4); // watchdog, sshd, a session (privileged and user parts), its command
      // a Ctrl-C to the process group: neither the watchdog nor sshd goes
      process.kill(watchdog!, 'SIGINT');
      process.kill(server, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(alive(watchdog!)).toBe(true);
      expect(alive(server)).toBe(true);
      // the owner killed: everything goes within the watchdog's period (0.5 s), and the folder
      owner.kill('SIGKILL');
      await until(() => all.every((pid) => !alive(pid)) && !existsSync(sshd.dir), 'sshd, its sessions and its folder to be gone', 10_000);
    } finally {
      owner.kill('SIGKILL');
      client.kill('SIGKILL');
      await sshd.stop();
    }
  });
});
