/** The monitor loop that runs on each remote host, and its fallback check, run here with the local bash. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readProcessRecord } from '../../../src/backends/linux/process-record.js';
import { CHECK_SCRIPT, MONITOR_SCRIPT, POLL_SECONDS, watchLine } from '../../../src/backends/linux/transport/ssh/monitor-script.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The monitor script running in a local bash: write to its input, read what it printed. */
function startMonitor(script = MONITOR_SCRIPT) {
  const child = spawn('bash', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const lines = () => out.split('\n').filter((line) => line !== '');
  return {
    write: (text: string) => child.stdin.write(text),
    lines,
    /** Wait (up to `ms`) until every one of `wanted` was printed. */
    async until(wanted: readonly string[], ms = 3000): Promise<string[]> {
      const deadline = performance.now() + ms;
      while (!wanted.every((line) => lines().includes(line)) && performance.now() < deadline) await sleep(20);
      return lines();
    },
    async end(): Promise<string[]> {
      child.stdin.end();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      return lines();
    },
  };
}

/** Feed `lines` to the monitor, collect what it prints for `wait` ms, then end its input. */
async function monitor(lines: string[], wait: number): Promise<string[]> {
  const m = startMonitor();
  for (const line of lines) m.write(`${line}\n`);
  await sleep(wait);
  return m.end();
}

/** A folder with an exit file that says 3 (its process, pid 999999999, is long gone). */
function endedProcess(): { exitFile: string; pid: number; startTime: string } {
  dir ??= mkdtempSync(join(tmpdir(), 'nepi-monitor-'));
  const exitFile = join(dir, 'exit-status');
  writeFileSync(exitFile, '3\n');
  return { exitFile, pid: 999999999, startTime: '123' };
}

/** Longer than the loop's read timeout: the read gives up with part of a line read. */
const PAST_THE_TIMEOUT_MS = POLL_SECONDS * 1000 + 150;

describe('the SSH monitor script', () => {
  it('acknowledges each watch and reports each ended process once, whatever its folder name holds, and never runs it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-monitor-'));
    const odd = join(dir, 'a]b$(touch PWNED)');
    mkdirSync(odd);
    const gone = join(odd, 'exit-status'); // no such process, no exit file: gone
    const done = join(dir, 'done', 'exit-status');
    mkdirSync(join(dir, 'done'));
    writeFileSync(done, '3\n');
    const out = await monitor([`watch 1 999999999 123 ${gone}`, `watch 2 999999998 456 ${done}`], 900);
    expect(out.sort()).toEqual(['ack 1', 'ack 2', 'exit 2 3', 'gone 1'].sort());
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    expect(existsSync('PWNED')).toBe(false);
  });

  it('waits for an exit file to be written, not merely created, while the process lives', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-monitor-'));
    const exitFile = join(dir, 'exit-status');
    writeFileSync(exitFile, ''); // created, not yet written; the process (this test) still runs
    const out = await monitor([watchLine(7, { pid: process.pid, startTime: '', exitFile }).trimEnd()], 700);
    expect(out).toEqual(['ack 7']);
  });

  // the regression of issue 21: bash keeps what a timed-out `read -t` had read of a line in
  // the variable; the old loop dropped it, and the rest of the line no longer was a watch
  it.each([
    ['inside the word watch', 3],
    ['after the word watch', 6],
    ['inside the pid', 10],
    ['inside the path', 30],
    ['just before the newline', -1],
  ])('keeps a watch line whose bytes arrive across a read timeout (split %s): it is acknowledged and its exit reported', async (_where, at) => {
    const ended = endedProcess();
    const line = watchLine(5, ended);
    const m = startMonitor();
    m.write(line.slice(0, at));
    await sleep(PAST_THE_TIMEOUT_MS);
    m.write(line.slice(at));
    const out = await m.until(['ack 5', 'exit 5 3']);
    await m.end();
    expect(out).toEqual(['ack 5', 'exit 5 3']);
  });

  it('keeps a watch line that arrives in pieces across several read timeouts, with another line after it', async () => {
    const ended = endedProcess();
    const line = watchLine(11, ended) + watchLine(12, ended);
    const m = startMonitor();
    for (const piece of [line.slice(0, 8), line.slice(8, 16), line.slice(16, 40)]) {
      m.write(piece);
      await sleep(PAST_THE_TIMEOUT_MS);
    }
    m.write(line.slice(40));
    const out = await m.until(['ack 11', 'exit 11 3', 'ack 12', 'exit 12 3']);
    await m.end();
    expect(out.sort()).toEqual(['ack 11', 'ack 12', 'exit 11 3', 'exit 12 3']);
  });

  it('acknowledges a watch sent again (a re-send) each time, and reports its end once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-monitor-'));
    const exitFile = join(dir, 'exit-status');
    const m = startMonitor();
    const line = watchLine(4, { pid: process.pid, startTime: '', exitFile });
    m.write(line);
    m.write(line);
    await m.until(['ack 4']);
    writeFileSync(exitFile, '0\n');
    await m.until(['exit 4 0']);
    await sleep(500);
    expect(await m.end()).toEqual(['ack 4', 'ack 4', 'exit 4 0']);
  });

  it('ignores, unacknowledged, lines that are not a whole watch (the controller sends those again)', async () => {
    const out = await monitor(
      ['watch 1 999999999 /relative/missing-start-time', 'watch x 1 2 /a', 'watch 2 1 2 relative', 'ch 3 999999999 1 /a', 'hello'],
      500,
    );
    expect(out).toEqual([]);
  });

  it('polls the watched processes while lines keep coming faster than its read timeout', async () => {
    const ended = endedProcess();
    const m = startMonitor();
    m.write(watchLine(1, ended));
    const t0 = performance.now();
    // a line every 0.1 s for 2.5 s: no read ever times out
    while (performance.now() - t0 < 2500 && !m.lines().includes('exit 1 3')) {
      m.write('noise\n');
      await sleep(POLL_SECONDS * 500);
    }
    expect(await m.end()).toEqual(['ack 1', 'exit 1 3']);
  });

  it('ends with its input', async () => {
    const m = startMonitor();
    const t0 = performance.now();
    await m.end();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('the fallback check script', () => {
  it('reports the processes that ended, as the monitor would, and nothing for those that run', () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-check-'));
    const done = join(dir, 'done');
    writeFileSync(done, '0\n');
    const running = join(dir, 'running'); // this test's own process, no exit file yet
    const input = [`1 999999999 123 ${done}`, `2 ${process.pid}  ${running}`, `3 999999998 5 ${join(dir, 'gone dir', 'exit-status')}`].join('\n') + '\n';
    const result = spawnSync('bash', ['-c', CHECK_SCRIPT], { input, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(['exit 1 0', 'gone 3']);
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
