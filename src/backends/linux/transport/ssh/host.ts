/**
 * One SSH connection to one linux::Node's host, shared by every application of the node: each
 * command is a channel of that connection. It sends keepalives, and when the connection drops
 * it dials again with backoff (0.25 s doubling up to 4 s) for up to `reconnectTimeout`; then it
 * gives the host up and everything waiting on it fails with an SshConnectionError ('lost').
 * Those states are an XState machine (connection-machine.ts), run in the experiment's actor
 * system when the host is made by the backend's session (it shows in inspection, its waits
 * are on the experiment's clock).
 *
 * Sessions: at most `maxSessions` commands run at once (a Semaphore); the others wait for a
 * place. Two more channels are long-lived and not counted: the SFTP channel (files, traces) and
 * the monitor (see monitor.ts). OpenSSH allows 10 sessions per connection by default
 * (`MaxSessions`): 8 + 2.
 *
 * Nothing it asks of the host waits for ever on a connection that stays up: a session's
 * opening and close, the monitor's opening and each SFTP request are bounded by
 * `operationTimeout` (and by the caller's AbortSignal), and fail with an SshTimeoutError
 * naming the host and the operation; the session or channel concerned is closed, and its
 * place among the `maxSessions` given back, on every path (see exec.ts).
 */
import { createHash } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { createActor, fromPromise, type Actor, type ActorOptions, type AnyActorLogic } from 'xstate';
import { untilAborted } from '../../../../time/race.js';
import type { Exit } from '../../process-wrapper.js';
import { connectionMachine, type ConnectionMachine, type DialInput } from './connection-machine.js';
import { bounded } from './bounded.js';
import { SshConnectionError, SshTimeoutError, formatMs } from './errors.js';
import { ChannelRefused, endSink, execOnce, type ExecOptions, type ExecResult } from './exec.js';
import { credentials, describeTarget, parseGateway, type Credentials, type HostOptions } from './host-options.js';
import { CHECK_SCRIPT, MONITOR_SCRIPT } from './monitor-script.js';
import { DEFAULT_RESEND_INTERVAL_MS, Monitor, type WatchedProcess } from './monitor.js';
import { Semaphore } from './semaphore.js';
import { bash } from './shell.js';

export type { ExecOptions, ExecResult } from './exec.js';

type HostState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'failed' | 'closed';

interface Link {
  readonly client: Client;
  readonly gateway: Client | undefined;
}

const MAX_MONITOR_BACKOFF_MS = 4000;
const KEEPALIVE_COUNT_MAX = 3;
/** Tries again of a refused channel: 25 ms doubling, 1.6 s in all. */
const CHANNEL_RETRIES = 6;
const FIRST_MONITOR_BACKOFF_MS = 25;

/** How a host makes its connection actor: in the experiment's actor system, or on its own (a cleaner, a test). */
export type CreateActor = <L extends AnyActorLogic>(logic: L, options?: Omit<ActorOptions<L>, 'clock' | 'inspect' | 'parent'>) => Actor<L>;

export class SshHost {
  readonly target: string;
  readonly sessions: Semaphore;
  readonly #connection: Actor<ConnectionMachine<Link>>;
  #closed = false;
  #failure: SshConnectionError | undefined;
  #sftp: Promise<SFTPWrapper> | undefined;
  /** The channel #sftp resolved with. */
  #sftpOpen: SFTPWrapper | undefined;
  readonly #monitor: Monitor;
  readonly #lostListeners = new Set<(error: SshConnectionError) => void>();
  #home: string | undefined;
  #monitorOpening = false;
  #monitorBackoff = FIRST_MONITOR_BACKOFF_MS;

  /**
   * With `actors`, the connection's machine lives in the experiment's actor system and its
   * waits run on `now`'s clock (the backend's session passes both); by default on its own, in
   * real time.
   */
  constructor(
    readonly options: HostOptions,
    actors: { readonly spawn: CreateActor; readonly now: () => number } = { spawn: createActor, now: () => Date.now() },
  ) {
    this.target = describeTarget(options);
    this.sessions = new Semaphore(options.maxSessions);
    this.#monitor = new Monitor({
      resendInterval: DEFAULT_RESEND_INTERVAL_MS,
      ackTimeout: options.operationTimeout,
      checkInterval: options.exitCheckInterval,
      check: (input) => this.#checkExits(input),
    });
    const logic = connectionMachine<Link>().provide({
      actors: {
        dial: fromPromise<Link, DialInput>(async ({ input }) => {
          const link = await this.#dialOnce(input.timeout);
          // closed while it dialled: the machine has ended, the link must not stay open
          if (this.#closed) {
            link.client.end();
            link.gateway?.end();
            throw this.#failure!; // set by close(), with #closed
          }
          return link;
        }),
      },
    });
    this.#connection = actors.spawn(logic, {
      id: `ssh ${this.target}`,
      input: { reconnectTimeout: options.reconnectTimeout, connectTimeout: options.connectTimeout, now: actors.now },
    });
    this.#connection.on('up', ({ link }) => this.#up(link));
    this.#connection.on('down', ({ link }) => {
      link.gateway?.end();
      this.#sftp = undefined;
      this.#sftpOpen = undefined;
      this.#monitor.detach();
    });
    this.#connection.on('lost', ({ tries, error }) => {
      const why = error instanceof Error ? `: ${error.message}` : '';
      this.#fail(
        new SshConnectionError(
          this.target,
          'lost',
          `lost the connection to ${this.target} and could not restore it within ${formatMs(options.reconnectTimeout)} (${tries} tries)${why}`,
          { cause: error },
        ),
      );
    });
    this.#connection.start();
  }

  get state(): HostState {
    if (this.#closed) return 'closed';
    const value = this.#connection.getSnapshot().value;
    return typeof value === 'string' ? value : 'reconnecting';
  }

  /** How often the connection dropped and was restored. */
  get reconnects(): number {
    return this.#connection.getSnapshot().context.reconnects;
  }

  /** The host's `$HOME`, read at the first connection. */
  get home(): string {
    if (this.#home === undefined) throw new Error(`${this.target}: not connected yet`);
    return this.#home;
  }

  /** Connect if not connected: throws an SshConnectionError saying whether the host is unreachable or rejected the key. */
  async connect(signal?: AbortSignal): Promise<void> {
    await this.#ready(signal);
    if (this.#home === undefined) {
      const result = await this.execShort('printf %s "$HOME"', 'reading $HOME', signal ? { signal } : {});
      if (result.code !== 0 || !result.stdout.startsWith('/')) {
        throw new Error(`${this.target}: cannot read $HOME (exit ${result.code}): ${result.stderr.trim()}`);
      }
      this.#home = result.stdout;
    }
  }

  /**
   * Run `command` (by the login shell of the user) on the host, in one session; bounded as
   * exec.ts says, the session's place given back however it ends.
   */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const release = await this.sessions.acquire(options.signal);
    try {
      // The server may still count a session that just closed (it frees it a moment after
      // our close): a refused channel is tried again a few times before it is an error; one
      // refused because the connection just dropped waits for the reconnection.
      for (let attempt = 0; ; attempt++) {
        const { client } = await this.#ready(options.signal);
        try {
          return await execOnce(client, command, options, { target: this.target, operationTimeout: this.options.operationTimeout });
        } catch (error) {
          if (!(error instanceof ChannelRefused)) throw error;
          if (attempt >= CHANNEL_RETRIES || options.signal?.aborted) throw this.#channelError(error.cause as Error);
          await untilAborted(delay(25 * 2 ** attempt), options.signal);
        }
      }
    } catch (error) {
      // the command never ran (or was cut short): whoever reads its stdout must not wait for more
      endSink(options.stdout);
      throw error;
    } finally {
      release();
    }
  }

  /**
   * One of nepi's own short commands (a kill, a check, the start script): `exec` with the
   * command bounded as a whole by `operationTimeout`, plus `waits` ms it spends on purpose
   * (a loop that waits for a killed group to go).
   */
  execShort(command: string, what: string, options: ExecOptions & { readonly waits?: number } = {}): Promise<ExecResult> {
    const { waits = 0, ...rest } = options;
    return this.exec(command, { ...rest, what, timeout: this.options.operationTimeout + waits });
  }

  /** The host's SFTP channel, opened once per connection (within `operationTimeout`, or until `signal` aborts this caller's wait). */
  sftp(signal?: AbortSignal): Promise<SFTPWrapper> {
    this.#sftp ??= this.#ready().then(async (link) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.#openSftp(link.client);
        } catch (error) {
          if (error instanceof SshTimeoutError) throw this.#failure ?? error;
          if (attempt >= CHANNEL_RETRIES || this.#link !== link) throw this.#channelError(error as Error);
          await delay(25 * 2 ** attempt);
        }
      }
    });
    const opened = this.#sftp;
    opened.catch(() => {
      if (this.#sftp === opened) this.#sftp = undefined;
    });
    return untilAborted(opened, signal);
  }

  /**
   * One SFTP request (`call` gets the channel and the request's callback), answered within
   * `operationTimeout` or failed with an SshTimeoutError; the channel of a request that got no
   * answer is closed (the next request opens another).
   */
  async sftpCall<T>(
    what: string,
    call: (sftp: SFTPWrapper, callback: (error: Error | null | undefined, value: T) => void) => void,
    signal?: AbortSignal,
  ): Promise<T> {
    const sftp = await this.sftp(signal);
    return bounded(() => new Promise<T>((resolve, reject) => call(sftp, (error, value) => (error ? reject(error) : resolve(value)))), {
      ms: this.options.operationTimeout,
      signal,
      timeoutError: () => new SshTimeoutError(this.target, `SFTP ${what}`, this.options.operationTimeout),
      onTimeout: () => this.#dropSftp(sftp),
    });
  }

  /** Copy a local file to the host over SFTP; it fails only when no progress comes for `operationTimeout` (or on `signal`), however long it takes. */
  async upload(local: string, remote: string, signal?: AbortSignal): Promise<void> {
    const sftp = await this.sftp(signal);
    await bounded(
      (touch) => new Promise<void>((resolve, reject) => sftp.fastPut(local, remote, { step: () => touch() }, (error) => (error ? reject(error) : resolve()))),
      {
        ms: this.options.operationTimeout,
        signal,
        timeoutError: () => new SshTimeoutError(this.target, `SFTP upload of '${local}' to ${remote} (no progress)`, this.options.operationTimeout),
        onTimeout: () => this.#dropSftp(sftp),
      },
    );
  }

  /** A whole remote file over SFTP; it fails when no data comes for `operationTimeout`, however long it is. */
  async download(remote: string, signal?: AbortSignal): Promise<Buffer> {
    const sftp = await this.sftp(signal);
    return bounded(
      (touch) =>
        new Promise<Buffer>((resolve, reject) => {
          const chunks: Buffer[] = [];
          const stream = sftp.createReadStream(remote);
          stream.on('data', (chunk: Buffer) => {
            touch();
            chunks.push(chunk);
          });
          stream.once('error', reject);
          stream.once('end', () => resolve(Buffer.concat(chunks)));
        }),
      {
        ms: this.options.operationTimeout,
        signal,
        timeoutError: () => new SshTimeoutError(this.target, `SFTP read of ${remote} (no data)`, this.options.operationTimeout),
        onTimeout: () => this.#dropSftp(sftp),
      },
    );
  }

  /** Resolves when the process ends, with its exit status (undefined: it left none); survives reconnects. */
  watch(process: WatchedProcess): Promise<Exit | undefined> {
    if (this.#failure) return Promise.reject(this.#failure);
    const ended = this.#monitor.watch(process);
    this.#attachMonitor();
    return ended;
  }

  /** The process of `exitFile` is known to have ended (its group was killed): its watches resolve now, without waiting for the monitor. */
  ended(exitFile: string, exit: Exit | undefined): void {
    this.#monitor.settle(exitFile, exit);
  }

  /** Rejects with the reason once the host is given up (or closed); never resolves. */
  whenLost(signal?: AbortSignal): Promise<never> {
    return new Promise((_resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      const listener = (error: SshConnectionError) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = () => {
        this.#lostListeners.delete(listener);
        reject(signal?.reason);
      };
      this.#lostListeners.add(listener);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Close the connection for good: what still waits on it fails ('closed'). */
  close(): void {
    if (this.#closed) return;
    const error = new SshConnectionError(this.target, 'closed', `the connection to ${this.target} was closed: its node was released`);
    const link = this.#connection.getSnapshot().context.link;
    this.#closed = true;
    this.#fail(error);
    // its final state: the actor ends there (a child of the controller cannot be stopped from outside)
    this.#connection.send({ type: 'CLOSE' });
    link?.client.end();
    link?.gateway?.end();
  }

  /** Abruptly cut the connection, as a network failure would (for tests). */
  cut(): void {
    this.#connection.getSnapshot().context.link?.client.destroy();
  }

  /** The link once the connection is up; the failure once it is given up; dials when idle. */
  #ready(signal?: AbortSignal): Promise<Link> {
    if (this.#closed || this.#failure) return Promise.reject(this.#failure!);
    const snapshot = this.#connection.getSnapshot();
    if (snapshot.value === 'ready') return Promise.resolve(snapshot.context.link!);
    const ready = new Promise<Link>((resolve, reject) => {
      const subscriptions = [
        this.#connection.on('up', ({ link }) => settle(() => resolve(link))),
        // a first connection that failed is tried again by the next caller (a retried discover)
        this.#connection.on('refused', ({ error }) => settle(() => reject(error))),
      ];
      const onLost = (error: SshConnectionError) => settle(() => reject(error));
      this.#lostListeners.add(onLost);
      const settle = (then: () => void) => {
        for (const subscription of subscriptions) subscription.unsubscribe();
        this.#lostListeners.delete(onLost);
        then();
      };
    });
    if (snapshot.value === 'idle') this.#connection.send({ type: 'CONNECT' });
    return untilAborted(ready, signal);
  }

  #up(link: Link): void {
    if (this.#closed) {
      link.client.end();
      link.gateway?.end();
      return;
    }
    this.#sftp = undefined;
    this.#sftpOpen = undefined;
    link.client.on('close', () => {
      // a close of ours (or after the host was given up) is no drop: the machine has ended
      if (this.#connection.getSnapshot().status === 'active') this.#connection.send({ type: 'DROPPED', link });
    });
    this.#attachMonitor();
  }

  #fail(error: SshConnectionError): void {
    this.#failure = error;
    this.#monitor.fail(error);
    const listeners = [...this.#lostListeners];
    this.#lostListeners.clear();
    for (const listener of listeners) listener(error);
  }

  /** The link in use, while the connection is up. */
  get #link(): Link | undefined {
    return this.state === 'ready' ? this.#connection.getSnapshot().context.link : undefined;
  }

  /**
   * Open the monitor's session unless it is open or opening: within `operationTimeout`, or it
   * is given up (a late channel is closed) and tried again, as a refused one is, with backoff.
   */
  #attachMonitor(): void {
    if (this.state !== 'ready' || this.#monitor.attached || this.#monitorOpening) return;
    this.#monitorOpening = true;
    const link = this.#link!;
    let given = false;
    const retry = () => {
      this.#monitorOpening = false;
      this.#monitorBackoff = Math.min(this.#monitorBackoff * 2, MAX_MONITOR_BACKOFF_MS);
      setTimeout(() => this.#attachMonitor(), this.#monitorBackoff).unref();
    };
    const timer = setTimeout(() => {
      given = true;
      retry();
    }, this.options.operationTimeout).unref();
    const opened = (error: Error | undefined, channel: ClientChannel) => {
      if (given) return void (error ? undefined : channel.close());
      given = true;
      clearTimeout(timer);
      if (this.#link !== link) {
        this.#monitorOpening = false;
        return void (error ? undefined : channel.close());
      }
      // refused (the server may still count a session that just closed): try again soon
      if (error) return retry();
      this.#monitorOpening = false;
      this.#monitorBackoff = FIRST_MONITOR_BACKOFF_MS;
      if (this.#monitor.attached) return void channel.close();
      this.#monitor.attach(channel, () => {
        // the loop ended (or was closed as stuck) while the connection stays: start another
        if (this.#link === link) setTimeout(() => this.#attachMonitor(), 200).unref();
      });
    };
    try {
      link.client.exec(bash(MONITOR_SCRIPT), opened);
    } catch {
      // the connection just dropped: the next one attaches its own monitor
      given = true;
      clearTimeout(timer);
      this.#monitorOpening = false;
    }
  }

  /** The fallback check of the monitor's silent watches (monitor.ts): one short command, while the connection is up. */
  async #checkExits(input: string): Promise<string> {
    if (this.state !== 'ready') throw new Error(`${this.target}: not connected`);
    const result = await this.execShort(bash(CHECK_SCRIPT), 'the check of watched exit files', { stdin: input });
    return result.stdout;
  }

  /** Open an SFTP channel within `operationTimeout` (one that opens later is closed). */
  #openSftp(client: Client): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new SshTimeoutError(this.target, 'open the SFTP channel', this.options.operationTimeout));
      }, this.options.operationTimeout);
      try {
        client.sftp((error, sftp) => {
          if (late) return void (error ? undefined : sftp.end());
          clearTimeout(timer);
          if (error) return reject(error);
          this.#sftpOpen = sftp;
          // closed by the host: the next request opens another
          sftp.once('close', () => this.#forgetSftp(sftp));
          resolve(sftp);
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  /** Close an SFTP channel that stopped answering; the next request opens another. */
  #dropSftp(sftp: SFTPWrapper): void {
    this.#forgetSftp(sftp);
    sftp.end();
  }

  #forgetSftp(sftp: SFTPWrapper): void {
    if (this.#sftpOpen !== sftp) return;
    this.#sftp = undefined;
    this.#sftpOpen = undefined;
  }

  #channelError(error: Error): Error {
    if (this.#failure) return this.#failure;
    return new Error(`${this.target}: cannot open a session (${error.message}); is maxSessions above the host's MaxSessions?`, { cause: error });
  }

  /** One connection attempt, through the gateway if there is one. */
  async #dialOnce(timeout = this.options.connectTimeout): Promise<Link> {
    const options = this.options;
    const creds = credentials(options);
    if (options.gateway === undefined) {
      const client = await dial(
        { host: options.hostname, port: options.port, username: options.username },
        creds,
        timeout,
        options,
        this.target,
        options.hostKey,
      );
      return { client, gateway: undefined };
    }
    const gw = parseGateway(options.gateway);
    const gatewayTarget = describeTarget({ hostname: gw.hostname, port: gw.port, username: options.gatewayUser });
    const gateway = await dial({ host: gw.hostname, port: gw.port, username: options.gatewayUser }, creds, timeout, options, gatewayTarget).catch(
      (error: SshConnectionError) => {
        throw new SshConnectionError(this.target, error.reason, `through the gateway: ${error.message}`, { cause: error });
      },
    );
    try {
      const sock = await new Promise<ClientChannel>((resolve, reject) =>
        gateway.forwardOut('127.0.0.1', 0, options.hostname, options.port, (error, stream) => (error ? reject(error) : resolve(stream))),
      );
      const client = await dial(
        { host: options.hostname, port: options.port, username: options.username, sock },
        creds,
        timeout,
        options,
        this.target,
        options.hostKey,
      );
      client.on('close', () => gateway.end());
      return { client, gateway };
    } catch (error) {
      gateway.end();
      if (error instanceof SshConnectionError) throw error;
      throw new SshConnectionError(
        this.target,
        'unreachable',
        `cannot reach ${this.target} through the gateway ${gatewayTarget}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/** Connect one Client; rejects with an SshConnectionError that says why. */
function dial(config: ConnectConfig, creds: Credentials, timeout: number, options: HostOptions, target: string, hostKey?: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    let presented: string | undefined;
    const fail = (error: SshConnectionError) => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(error);
    };
    // Nagle's algorithm with the host's delayed ACKs holds each small packet (a channel open,
    // a short command's input) ~40 ms: a short command took ~90 ms on loopback, ~4 ms without
    // (docs/ssh.md, Figures). A socket through a gateway is a channel: nothing to set there.
    client.on('connect', () => client.setNoDelay(true));
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      if (settled) return;
      if (presented !== undefined && presented !== hostKey) {
        return fail(
          new SshConnectionError(target, 'hostkey', `${target} presented the host key ${presented}, not ${hostKey} (attribute hostKey)`, { cause: error }),
        );
      }
      fail(classify(error, target, creds, timeout));
    });
    client.on('close', () => fail(new SshConnectionError(target, 'unreachable', `cannot reach ${target}: the connection closed during the SSH handshake`)));
    try {
      client.connect({
        ...config,
        ...('privateKey' in creds
          ? { privateKey: creds.privateKey, ...(creds.passphrase !== undefined ? { passphrase: creds.passphrase } : {}) }
          : { agent: creds.agent }),
        readyTimeout: timeout,
        ...(hostKey === undefined
          ? {}
          : {
              hostVerifier: (key: Buffer) => {
                presented = fingerprint(key);
                return presented === hostKey;
              },
            }),
        keepaliveInterval: options.keepaliveInterval,
        keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      });
    } catch (error) {
      fail(new SshConnectionError(target, 'identity', `cannot use ${creds.source} for ${target}: ${(error as Error).message}`, { cause: error }));
    }
  });
}

/** A host key's fingerprint as OpenSSH prints it: `SHA256:` and the unpadded base64 of its SHA-256. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function classify(error: Error & { level?: string; code?: string }, target: string, creds: Credentials, timeout: number): SshConnectionError {
  if (error.level === 'client-authentication') {
    return new SshConnectionError(target, 'auth', `${target} rejected ${creds.source}: ${error.message}`, { cause: error });
  }
  if (error.level === 'client-timeout') {
    return new SshConnectionError(target, 'unreachable', `cannot reach ${target}: no SSH handshake within ${formatMs(timeout)} (connectTimeout)`, {
      cause: error,
    });
  }
  const code = error.code ? ` (${error.code})` : '';
  const what = error.code === 'ECONNREFUSED' ? 'connection refused' : error.message;
  return new SshConnectionError(target, 'unreachable', `cannot reach ${target}: ${what}${code}`, { cause: error });
}

/** Real time: a pause between two tries of a refused channel. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
