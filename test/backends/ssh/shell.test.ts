/**
 * The shell text of step commands, run by the local bash: a step command in a group of its
 * own, recorded by pid file, and the kill that finds it by that file, including a kill that
 * comes as the command starts (its file not yet written, or created and still empty).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killStepGroupsScript, stepGroupCommand } from '../../../src/backends/linux/transport/ssh/shell.js';
import { until } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-shell-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const kill = (files: string[]) => spawnSync('bash', ['-c', killStepGroupsScript(files)], { encoding: 'utf8' });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
};

describe('step command groups', () => {
  it('runs the command in a group of its own, recorded by its pid file; the kill ends the group and removes the file', async () => {
    const pidFile = join(dir, '.depends.pgid');
    const child = spawn('bash', ['-c', stepGroupCommand('sleep 300', pidFile)], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the pid file');
    const pgid = Number(readFileSync(pidFile, 'utf8'));
    expect(pgid).not.toBe(child.pid);
    expect(kill([pidFile]).status).toBe(0);
    expect(await exited).toBe(137);
    expect(existsSync(pidFile)).toBe(false);
    expect(alive(pgid)).toBe(false);
  });

  it('leaves a pid file it cannot read yet (missing, or created and still empty) for a later kill, which finds the group', async () => {
    const pidFile = join(dir, '.depends.pgid');
    // the kill comes before the command wrote its file, then while the file is still empty
    expect(kill([pidFile]).status).toBe(0);
    writeFileSync(pidFile, '');
    expect(kill([pidFile]).status).toBe(0);
    expect(existsSync(pidFile)).toBe(true);
    // the command's group starts and its file is written: the next kill ends it
    const group = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
    await until(() => alive(group.pid!), 'the group to start');
    writeFileSync(pidFile, `${group.pid}\n`);
    const exited = new Promise<string | null>((resolve) => group.once('exit', (_code, signal) => resolve(signal)));
    expect(kill([pidFile]).status).toBe(0);
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(pidFile)).toBe(false);
  });
});
