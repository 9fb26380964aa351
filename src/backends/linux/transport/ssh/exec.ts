/**
 * One command in one SSH session (a channel of the host's connection), bounded at every
 * stage so that it always ends, and ends its channel:
 * - the session's opening (the channel open and the reply to the exec request) within
 *   `operationTimeout`; a channel that opens after that is closed at once;
 * - the command itself within `timeout` when the caller gives one (the short commands nepi
 *   runs itself do), or with no more than `idleTimeout` between two pieces of its output (a
 *   release that streams traces home, or a folder streamed to the host, however big); a
 *   `depends` command is bounded by its step instead;
 * - the session's close within `operationTimeout` once the command ended (its exit status
 *   came): a command that leaves a process holding its output would keep it open for ever;
 * - the caller's AbortSignal at any stage: the channel is closed and the call rejects at
 *   once, without waiting for the host to confirm the close.
 */
import type { Writable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { SshTimeoutError } from './errors.js';

export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** What the command reads: text, bytes, or a stream piped into the channel (e.g. a local `tar -c`). */
  readonly stdin?: string | Buffer | NodeJS.ReadableStream;
  readonly signal?: AbortSignal;
  /** Where the command's stdout goes instead of the result (binary-safe, streamed). */
  readonly stdout?: NodeJS.WritableStream;
  /** ms the command may run once its session opened; unset: as long as it takes (or until `signal`). */
  readonly timeout?: number;
  /**
   * ms the command may go without progress once its session opened: each piece of its stdout
   * or stderr, and each piece of a `stdin` stream taken in (the host reads it), starts the wait again.
   */
  readonly idleTimeout?: number;
  /** What the command is for, as a timeout's error says it (default: the command's first words). */
  readonly what?: string;
}

/** The host refused the session (or the connection was gone before it opened): the command did not run. */
export class ChannelRefused extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

export interface ExecBounds {
  /** `user@host:port`, as errors name the host. */
  readonly target: string;
  /** ms for the session's opening, and for its close once the command ended. */
  readonly operationTimeout: number;
}

/** `command`'s first line, at most 60 characters: how an error names a command it was not told the purpose of. */
export function describeCommand(command: string): string {
  const line = command.split('\n', 1)[0]!.trim();
  return `'${line.length > 60 ? `${line.slice(0, 57)}...` : line}'`;
}

/** Run `command` in a session of `client`; rejects with ChannelRefused when the session is refused (the caller may try again). */
export function execOnce(client: Client, command: string, options: ExecOptions, bounds: ExecBounds): Promise<ExecResult> {
  const { signal } = options;
  const what = options.what ?? describeCommand(command);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let channel: ClientChannel | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const after = (ms: number, then: () => void) => timers.push(setTimeout(then, ms));
    let idle: NodeJS.Timeout | undefined;
    let touch = () => {};
    const finish = (then: () => void) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      clearTimeout(idle);
      signal?.removeEventListener('abort', onAbort);
      if (channel) {
        const stdin = options.stdin;
        if (stdin !== undefined && typeof stdin !== 'string' && !Buffer.isBuffer(stdin)) {
          stdin.unpipe(channel);
          stdin.removeListener('data', touch);
        }
        endSink(options.stdout);
      }
      then();
    };
    // closing is all we can do: the host ends the session when it reads the close
    const giveUp = (error: unknown) => {
      channel?.close();
      finish(() => reject(error));
    };
    const onAbort = () => giveUp(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    after(bounds.operationTimeout, () => {
      if (!channel) giveUp(new SshTimeoutError(bounds.target, `open a session for ${what}`, bounds.operationTimeout));
    });
    const opened = (error: Error | undefined, ch: ClientChannel) => {
      if (settled) return void (error ? undefined : ch.close()); // too late: timed out or aborted meanwhile
      if (error) return finish(() => reject(new ChannelRefused(error)));
      channel = ch;
      if (options.timeout !== undefined) {
        after(options.timeout, () => giveUp(new SshTimeoutError(bounds.target, `run ${what}`, options.timeout!)));
      }
      const idleTimeout = options.idleTimeout;
      if (idleTimeout !== undefined) {
        touch = () => {
          clearTimeout(idle);
          if (!settled) idle = setTimeout(() => giveUp(new SshTimeoutError(bounds.target, `run ${what} (no progress)`, idleTimeout)), idleTimeout);
        };
      }
      touch();
      collect(ch, options, bounds, what, after, touch, (result) => finish(() => (result instanceof Error ? reject(result) : resolve(result))));
    };
    try {
      client.exec(command, opened);
    } catch (error) {
      // ssh2 throws when the socket is no longer writable: the connection just dropped
      finish(() => reject(new ChannelRefused(error as Error)));
    }
  });
}

/**
 * Listen on the channel from its callback on (a short command's output, exit status and close
 * can come in the same packet as the channel's confirmation), feed its input, and call `done`
 * once with the result, or with an error when the connection dropped before the command ended.
 */
function collect(
  channel: ClientChannel,
  options: ExecOptions,
  bounds: ExecBounds,
  what: string,
  after: (ms: number, then: () => void) => void,
  touch: () => void,
  done: (result: ExecResult | Error) => void,
): void {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let code: number | null = null;
  let signal: string | null = null;
  let exited = false;
  const result = (): ExecResult => ({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
  // always flowing: a sink that fails or ends early must not stall the channel's end
  const sink = options.stdout;
  channel.on('data', (chunk: Buffer) => {
    touch();
    if (sink) sink.write(chunk);
    else out.push(chunk);
  });
  channel.stderr.on('data', (chunk: Buffer) => {
    touch();
    err.push(chunk);
  });
  channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
    code = exitCode;
    signal = exitSignal ?? null;
    // the command ended; its session must close soon, or something of it holds its output open
    if (exited) return;
    exited = true;
    after(bounds.operationTimeout, () => {
      channel.close();
      done(result());
    });
  });
  channel.on('close', () => {
    if (code === null && signal === null) return done(new Error(`the connection to ${bounds.target} dropped while a command ran (${what})`));
    done(result());
  });
  const stdin = options.stdin;
  if (stdin === undefined || typeof stdin === 'string' || Buffer.isBuffer(stdin)) channel.end(stdin);
  else {
    // attached before the pipe, in the same tick: both see every piece
    stdin.on('data', touch);
    stdin.pipe(channel);
  }
}

/** End the stream the command's stdout went to (once: the caller may end it too when the command never ran). */
export function endSink(sink: NodeJS.WritableStream | undefined): void {
  if (sink && !(sink as Writable).writableEnded) sink.end();
}
