/** The monitor loop that runs on each remote host, run here with the local bash. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readProcessRecord } from '../../../src/backends/linux/process-record.js';
import { MONITOR_SCRIPT } from '../../../src/backends/linux/transport/ssh/monitor.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Feed `lines` to the monitor, collect what it prints for `wait` ms, then end its input. */
async function monitor(lines: string[], wait: number): Promise<string[]> {
  const child = spawn('bash', ['-c', MONITOR_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (const line of lines) child.stdin.write(`${line}\n`);
  await new Promise((resolve) => setTimeout(resolve, wait));
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  return out.split('\n').filter((line) => line !== '');
}

describe('the SSH monitor script', () => {
  it('reports each ended process once, whatever its folder name holds, and never runs it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-monitor-'));
    const odd = join(dir, 'a]b$(touch PWNED)');
    mkdirSync(odd);
    const gone = join(odd, 'exit-status'); // no such process, no exit file: gone
    const done = join(dir, 'done', 'exit-status');
    mkdirSync(join(dir, 'done'));
    writeFileSync(done, '3\n');
    const out = await monitor([`watch 999999999 123 ${gone}`, `watch 999999998 456 ${done}`], 900);
    expect(out.sort()).toEqual([`exit 3 ${done}`, `gone ${gone}`].sort());
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    expect(existsSync('PWNED')).toBe(false);
  });

  it('waits for an exit file to be written, not merely created, while the process lives', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-monitor-'));
    const exitFile = join(dir, 'exit-status');
    writeFileSync(exitFile, ''); // created, not yet written; the process (this test) still runs
    const out = await monitor([`watch ${process.pid} ${''} ${exitFile}`], 700);
    expect(out).toEqual([]);
  });
});

describe('process records', () => {
  it('refuses pids and process groups that would make a kill hit everything', () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-record-'));
    const path = join(dir, 'process.json');
    for (const [pid, pgid] of [
      [1, 1],
      [0, 0],
      [1234, 1],
      [1234, -5],
      [1.5, 1234],
    ]) {
      writeFileSync(path, JSON.stringify({ host: 'local', pid, pgid, startTime: '1', exitFile: '/x' }));
      expect(readProcessRecord(path)).toBeUndefined();
    }
    writeFileSync(path, JSON.stringify({ host: 'local', pid: 1234, pgid: 1234, startTime: '1', exitFile: '/x' }));
    expect(readProcessRecord(path)).toMatchObject({ pid: 1234, pgid: 1234 });
  });
});
