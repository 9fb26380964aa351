/** The controller's side of the monitor: acknowledgements, re-sends, stuck channels and the fallback check, on fake timers. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_SCRIPT } from '../../../src/backends/linux/transport/ssh/monitor-script.js';
import { Monitor, type MonitorChannel, type MonitorOptions, type MonitorTimers } from '../../../src/backends/linux/transport/ssh/monitor.js';

/** Timers that run only when told: `advance(ms)` fires what falls due, in order. */
function fakeTimers(): MonitorTimers & { advance(ms: number): Promise<void>; readonly pending: number } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(timer) {
      timers.delete(timer as number);
    },
    get pending() {
      return timers.size;
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = end;
    },
  };
}

/** A channel that records what is written to it; `answer` plays the host. */
function fakeChannel() {
  const written: string[] = [];
  const listeners: { data: Array<(chunk: string) => void>; close: Array<() => void> } = { data: [], close: [] };
  let closed = false;
  const channel: MonitorChannel & { written: string[]; answer(line: string): void; hangUp(): void; readonly closed: boolean } = {
    written,
    write: (data: string) => written.push(data),
    close: () => {
      closed = true;
    },
    setEncoding: () => {},
    on: (event: 'data' | 'close', listener: never) => (listeners[event] as unknown[]).push(listener),
    stderr: { resume: () => {} },
    answer: (line: string) => listeners.data.forEach((listener) => listener(`${line}\n`)),
    hangUp: () => listeners.close.forEach((listener) => listener()),
    get closed() {
      return closed;
    },
  };
  return channel;
}

function setup(options: Partial<MonitorOptions> = {}) {
  const timers = fakeTimers();
  const checks: string[] = [];
  const monitor = new Monitor({
    resendInterval: 1000,
    ackTimeout: 5000,
    checkInterval: 60_000,
    check: async (input) => {
      checks.push(input);
      return '';
    },
    timers,
    ...options,
  });
  return { monitor, timers, checks };
}

const app = { pid: 4242, startTime: '777', exitFile: '/home/exp/.nepi/e/r/app/exit-status' };

describe('the SSH monitor (controller side)', () => {
  it('sends a watch, and settles it with the exit status the host reports', async () => {
    const { monitor } = setup();
    const channel = fakeChannel();
    monitor.attach(channel, () => {});
    const ended = monitor.watch(app);
    expect(channel.written).toEqual([`watch 1 4242 777 ${app.exitFile}\n`]);
    channel.answer('ack 1');
    channel.answer('exit 1 3');
    expect(await ended).toEqual({ code: 3, signal: null });
    expect(monitor.watching).toBe(false);
  });

  it('sends an unacknowledged watch again every resendInterval until the host acknowledges it, then no more', async () => {
    const { monitor, timers } = setup();
    const channel = fakeChannel();
    monitor.attach(channel, () => {});
    void monitor.watch(app);
    await timers.advance(1000);
    await timers.advance(1000);
    expect(channel.written).toHaveLength(3);
    channel.answer('ack 1');
    await timers.advance(3000);
    expect(channel.written).toHaveLength(3);
    expect(new Set(channel.written).size).toBe(1); // the same line each time: the host watches it once
  });

  it('closes a channel on which a watch stays unacknowledged past ackTimeout, and sends every pending watch to the next one', async () => {
    const { monitor, timers } = setup();
    const first = fakeChannel();
    let reopened = 0;
    monitor.attach(first, () => reopened++);
    const acked = monitor.watch({ ...app, exitFile: '/a/exit-status' });
    first.answer('ack 1');
    const lost = monitor.watch(app);
    await timers.advance(5000);
    expect(first.closed).toBe(true);
    expect(reopened).toBe(1);
    expect(monitor.attached).toBe(false);
    // what the stuck channel still says counts no more
    first.answer('exit 1 0');
    const second = fakeChannel();
    monitor.attach(second, () => {});
    expect(second.written.sort()).toEqual([`watch 1 4242 777 /a/exit-status\n`, `watch 2 4242 777 ${app.exitFile}\n`]);
    second.answer('exit 1 0');
    second.answer('gone 2');
    expect(await acked).toEqual({ code: 0, signal: null });
    expect(await lost).toBeUndefined();
  });

  it('sends every pending watch again on a re-attach after the connection dropped, acknowledged or not', async () => {
    const { monitor } = setup();
    const first = fakeChannel();
    monitor.attach(first, () => {});
    void monitor.watch(app);
    first.answer('ack 1');
    monitor.detach(); // the connection dropped
    const second = fakeChannel();
    monitor.attach(second, () => {});
    expect(second.written).toEqual([`watch 1 4242 777 ${app.exitFile}\n`]);
  });

  it('sends a watch made while no channel is attached once one is', async () => {
    const { monitor, timers } = setup();
    void monitor.watch(app);
    await timers.advance(3000);
    const channel = fakeChannel();
    monitor.attach(channel, () => {});
    expect(channel.written).toEqual([`watch 1 4242 777 ${app.exitFile}\n`]);
  });

  it('checks the exit files of silent watches every checkInterval, and settles those that ended', async () => {
    const { monitor, timers, checks } = setup({
      checkInterval: 10_000,
      check: async (input) => {
        checks.push(input);
        return checks.length === 2 ? 'exit 1 0\n' : '';
      },
    });
    const channel = fakeChannel();
    monitor.attach(channel, () => {});
    let exit: unknown = 'pending';
    void monitor.watch(app).then((value) => (exit = value));
    channel.answer('ack 1');
    await timers.advance(9000);
    expect(checks).toEqual([]);
    await timers.advance(1000);
    expect(checks).toEqual([`1 4242 777 ${app.exitFile}\n`]);
    expect(exit).toBe('pending');
    await timers.advance(10_000);
    expect(checks).toHaveLength(2);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(monitor.caughtByCheck).toBe(1);
    expect(timers.pending).toBe(0); // nothing watched: no timer left
  });

  it('ignores a report for a watch it no longer has, and settles watches the caller ended itself', async () => {
    const { monitor } = setup();
    const channel = fakeChannel();
    monitor.attach(channel, () => {});
    const ended = monitor.watch(app);
    monitor.settle(app.exitFile, undefined);
    expect(await ended).toBeUndefined();
    channel.answer('exit 1 9');
    channel.answer('garbage');
    const again = monitor.watch(app);
    channel.answer('exit 2 0');
    expect(await again).toEqual({ code: 0, signal: null });
  });

  it('rejects every pending watch when the host is lost, and stops its timer', async () => {
    const { monitor, timers } = setup();
    const ended = monitor.watch(app);
    monitor.fail(new Error('lost'));
    await expect(ended).rejects.toThrow('lost');
    expect(timers.pending).toBe(0);
  });

  it('finds the end of a process the host never reported, with the real check script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nepi-monitor-check-'));
    try {
      const exitFile = join(dir, 'exit-status');
      writeFileSync(exitFile, '7\n');
      const { monitor, timers } = setup({
        checkInterval: 2000,
        check: async (input) => spawnSync('bash', ['-c', CHECK_SCRIPT], { input, encoding: 'utf8' }).stdout,
      });
      // a channel that swallows everything: the monitor never answers
      monitor.attach(fakeChannel(), () => {});
      const ended = monitor.watch({ pid: 999999999, startTime: '1', exitFile });
      await timers.advance(2000);
      expect(await ended).toEqual({ code: 7, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
