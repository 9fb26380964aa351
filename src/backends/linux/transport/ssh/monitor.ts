/**
 * The controller's side of a host's monitor: one long-lived session per host that reports
 * when watched applications end, so that no session is held per running application. The
 * bash loop on the host and the lines it speaks are in monitor-script.ts.
 *
 * Nothing sent may be lost without notice, because a watch that never settles is a run step
 * that waits forever:
 * - every `watch` line is acknowledged by the host (`ack <id>`); one not acknowledged within
 *   `resendInterval` is sent again, and again, until it is;
 * - a watch still not acknowledged after `ackTimeout` means the channel is stuck: it is closed,
 *   and the host opens another (`attach`), to which every pending watch is sent again, as after
 *   a reconnect (the processes ran on meanwhile; their exit files tell how they ended);
 * - a watch the monitor stays silent about is looked at every `checkInterval` by a command of
 *   its own (CHECK_SCRIPT, through `check`), which reads the exit file as the loop would: an
 *   exit is never missed, only reported later.
 */
import { parseExitStatus, type Exit } from '../../process-wrapper.js';
import { checkLine, parseReport, watchLine, type WatchedProcess } from './monitor-script.js';

export type { WatchedProcess } from './monitor-script.js';

/** What the monitor needs of its channel (an ssh2 ClientChannel running MONITOR_SCRIPT). */
export interface MonitorChannel {
  write(data: string): unknown;
  close(): unknown;
  setEncoding(encoding: 'utf8'): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly stderr: { resume(): unknown };
}

/** Timers of the monitor's own (real time by default; a test passes fakes). */
export interface MonitorTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  now(): number;
}

const REAL_TIMERS: MonitorTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  now: () => performance.now(),
};

export interface MonitorOptions {
  /** ms before an unacknowledged watch is sent again. */
  readonly resendInterval: number;
  /** ms a watch may stay unacknowledged on one channel before that channel is closed as stuck. */
  readonly ackTimeout: number;
  /** ms a watch may stay silent before its exit file is checked by a command of its own; then again as often. */
  readonly checkInterval: number;
  /** Run CHECK_SCRIPT on the host with `input` (lines of `checkLine`); resolves with what it printed. */
  readonly check: (input: string) => Promise<string>;
  readonly timers?: MonitorTimers;
}

export const DEFAULT_RESEND_INTERVAL_MS = 1000;

interface Waiter {
  readonly resolve: (exit: Exit | undefined) => void;
  readonly reject: (error: unknown) => void;
}

interface Watch {
  readonly id: number;
  readonly process: WatchedProcess;
  readonly waiters: Waiter[];
  /** Acknowledged on the current channel. */
  acked: boolean;
  /** When its line was last written, and first written, on the current channel (undefined: not yet). */
  sentAt: number | undefined;
  firstSentAt: number | undefined;
  /** When it was made or last looked at by the fallback check. */
  checkedAt: number;
}

export class Monitor {
  #channel: MonitorChannel | undefined;
  #onStuck: (() => void) | undefined;
  #buffer = '';
  #nextId = 1;
  readonly #watches = new Map<number, Watch>();
  readonly #timers: MonitorTimers;
  #timer: unknown;
  #checking = false;
  /** How many watches the fallback check found ended (the monitor had not reported them). */
  #caughtByCheck = 0;

  constructor(readonly options: MonitorOptions) {
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  /** Whether a watch is pending (a channel is needed). */
  get watching(): boolean {
    return this.#watches.size > 0;
  }

  get attached(): boolean {
    return this.#channel !== undefined;
  }

  /** How many ends the fallback check found that the monitor did not report (for tests and diagnostics). */
  get caughtByCheck(): number {
    return this.#caughtByCheck;
  }

  /**
   * Use `channel` (running MONITOR_SCRIPT) from now on, and send it every pending watch.
   * `onClose` is called when it closes, or when this monitor closed it as stuck.
   */
  attach(channel: MonitorChannel, onClose: () => void): void {
    this.#detach(); // what was acknowledged on another channel is not watched on this one
    this.#channel = channel;
    this.#buffer = '';
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      if (this.#channel !== channel) return;
      this.#detach();
      onClose();
    };
    this.#onStuck = () => {
      channel.close();
      close();
    };
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      if (this.#channel === channel) this.#read(chunk);
    });
    channel.stderr.resume();
    channel.on('close', close);
    for (const watch of this.#watches.values()) this.#send(watch);
    this.#schedule();
  }

  /** The channel is gone with its connection: the pending watches are sent again on the next. */
  detach(): void {
    this.#detach();
  }

  /** Resolves with how the process ended: its exit status, or undefined if it left none. */
  watch(process: WatchedProcess): Promise<Exit | undefined> {
    return new Promise((resolve, reject) => {
      const same = [...this.#watches.values()].find(
        (watch) => watch.process.exitFile === process.exitFile && watch.process.pid === process.pid && watch.process.startTime === process.startTime,
      );
      if (same) return void same.waiters.push({ resolve, reject });
      const watch: Watch = {
        id: this.#nextId++,
        process,
        waiters: [{ resolve, reject }],
        acked: false,
        sentAt: undefined,
        firstSentAt: undefined,
        checkedAt: this.#timers.now(),
      };
      this.#watches.set(watch.id, watch);
      this.#send(watch);
      this.#schedule();
    });
  }

  /** Settle the watches of `exitFile` now: the caller knows the process ended (it killed its group). */
  settle(exitFile: string, exit: Exit | undefined): void {
    for (const watch of [...this.#watches.values()]) if (watch.process.exitFile === exitFile) this.#end(watch, exit);
  }

  /** Reject every pending watch (the host is lost or closed). */
  fail(error: unknown): void {
    const watches = [...this.#watches.values()];
    this.#watches.clear();
    this.#unschedule();
    for (const watch of watches) for (const waiter of watch.waiters) waiter.reject(error);
  }

  #detach(): void {
    this.#channel = undefined;
    this.#onStuck = undefined;
    for (const watch of this.#watches.values()) {
      watch.acked = false;
      watch.sentAt = undefined;
      watch.firstSentAt = undefined;
    }
  }

  #send(watch: Watch): void {
    if (!this.#channel) return;
    const now = this.#timers.now();
    watch.sentAt = now;
    watch.firstSentAt ??= now;
    this.#channel.write(watchLine(watch.id, watch.process));
  }

  #end(watch: Watch, exit: Exit | undefined): void {
    if (!this.#watches.delete(watch.id)) return;
    if (this.#watches.size === 0) this.#unschedule();
    for (const waiter of watch.waiters) waiter.resolve(exit);
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      this.#report(line);
    }
  }

  /** Act on one line of the host's (the monitor's or the fallback check's); true when it ended a watch. */
  #report(line: string): boolean {
    const report = parseReport(line);
    const watch = report && this.#watches.get(report.id);
    if (!report || !watch) return false; // a stale report (a watch settled meanwhile), or noise
    switch (report.kind) {
      case 'ack':
        watch.acked = true;
        return false;
      case 'exit':
        this.#end(watch, parseExitStatus(report.status));
        return true;
      case 'gone':
        this.#end(watch, undefined);
        return true;
    }
  }

  /** One timer while watches are pending: every `resendInterval` it re-sends, gives up stuck channels, and runs the fallback check. */
  #schedule(): void {
    if (this.#timer !== undefined || this.#watches.size === 0) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#tick();
      this.#schedule();
    }, this.options.resendInterval);
  }

  #unschedule(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = this.#timers.now();
    const silent: Watch[] = [];
    let stuck = false;
    for (const watch of this.#watches.values()) {
      if (this.#channel && !watch.acked) {
        if (watch.firstSentAt !== undefined && now - watch.firstSentAt >= this.options.ackTimeout) stuck = true;
        else if (watch.sentAt === undefined || now - watch.sentAt >= this.options.resendInterval) this.#send(watch);
      }
      if (now - watch.checkedAt >= this.options.checkInterval) silent.push(watch);
    }
    // the host opens another channel, and every pending watch goes to it
    if (stuck) this.#onStuck?.();
    if (silent.length > 0 && !this.#checking) void this.#check(silent);
  }

  /** The fallback: one command reads the exit files of the silent watches; what it finds ended settles them. */
  async #check(watches: readonly Watch[]): Promise<void> {
    this.#checking = true;
    const now = this.#timers.now();
    for (const watch of watches) watch.checkedAt = now;
    try {
      const output = await this.options.check(watches.map((watch) => checkLine(watch.id, watch.process)).join(''));
      for (const line of output.split('\n')) if (this.#report(line)) this.#caughtByCheck++;
    } catch {
      // the host cannot be asked now (a dropped connection, a timeout): the next check asks again
    } finally {
      this.#checking = false;
    }
  }
}
