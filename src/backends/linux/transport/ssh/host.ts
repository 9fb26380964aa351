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
 */
import { createHash } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { createActor, fromPromise, type Actor, type ActorOptions, type AnyActorLogic } from 'xstate';
import { untilAborted } from '../../../../time/race.js';
import type { Exit } from '../../process-wrapper.js';
import { connectionMachine, type ConnectionMachine, type DialInput } from './connection-machine.js';
import { SshConnectionError } from './errors.js';
import { credentials, describeTarget, parseGateway, type Credentials, type HostOptions } from './host-options.js';
import { Monitor, MONITOR_SCRIPT, type WatchedProcess } from './monitor.js';
import { Semaphore } from './semaphore.js';
import { quote } from './shell.js';

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
}

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

class ChannelRefused extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

/** How a host makes its connection actor: in the experiment's actor system, or on its own (a cleaner, a test). */
export type CreateActor = <L extends AnyActorLogic>(logic: L, options?: Omit<ActorOptions<L>, 'clock' | 'inspect' | 'parent'>) => Actor<L>;

export class SshHost {
  readonly target: string;
  readonly sessions: Semaphore;
  readonly #connection: Actor<ConnectionMachine<Link>>;
  #closed = false;
  #failure: SshConnectionError | undefined;
  #sftp: Promise<SFTPWrapper> | undefined;
  readonly #monitor = new Monitor();
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
      const result = await this.exec('printf %s "$HOME"', signal ? { signal } : {});
      if (result.code !== 0 || !result.stdout.startsWith('/')) {
        throw new Error(`${this.target}: cannot read $HOME (exit ${result.code}): ${result.stderr.trim()}`);
      }
      this.#home = result.stdout;
    }
  }

  /** Run `command` (by the login shell of the user) on the host, in one session. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const release = await this.sessions.acquire(options.signal);
    try {
      // The server may still count a session that just closed (it frees it a moment after
      // our close): a refused channel is tried again a few times before it is an error; one
      // refused because the connection just dropped waits for the reconnection.
      for (let attempt = 0; ; attempt++) {
        const { client } = await this.#ready(options.signal);
        try {
          // listen from the callback on: a short command's output, exit status and close can
          // come in the same packet as the channel's confirmation
          return await new Promise<ExecResult>((resolve, reject) => {
            client.exec(command, (error, channel) =>
              error ? reject(new ChannelRefused(error)) : void collect(channel, options, this.target).then(resolve, reject),
            );
          });
        } catch (error) {
          if (!(error instanceof ChannelRefused)) throw error;
          if (attempt >= CHANNEL_RETRIES || options.signal?.aborted) throw this.#channelError(error.cause as Error);
          await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        }
      }
    } finally {
      release();
    }
  }

  /** The host's SFTP channel, opened once per connection. */
  sftp(signal?: AbortSignal): Promise<SFTPWrapper> {
    this.#sftp ??= this.#ready(signal).then(async ({ client }) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
        } catch (error) {
          if (attempt >= CHANNEL_RETRIES || this.state !== 'ready') throw this.#channelError(error as Error);
          await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        }
      }
    });
    const opened = this.#sftp;
    opened.catch(() => {
      if (this.#sftp === opened) this.#sftp = undefined;
    });
    return opened;
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

  #attachMonitor(): void {
    if (this.state !== 'ready' || this.#monitor.attached || this.#monitorOpening) return;
    this.#monitorOpening = true;
    const link = this.#link!;
    link.client.exec(`bash -c ${quote(MONITOR_SCRIPT)}`, (error, channel) => {
      this.#monitorOpening = false;
      if (this.#link !== link) return void (error ? undefined : channel.close());
      if (error) {
        // refused (the server may still count a session that just closed): try again soon
        this.#monitorBackoff = Math.min(this.#monitorBackoff * 2, MAX_MONITOR_BACKOFF_MS);
        setTimeout(() => this.#attachMonitor(), this.#monitorBackoff).unref();
        return;
      }
      this.#monitorBackoff = FIRST_MONITOR_BACKOFF_MS;
      if (this.#monitor.attached) return void channel.close();
      this.#monitor.attach(channel, () => {
        // the loop ended while the connection stays: start another
        if (this.#link === link) setTimeout(() => this.#attachMonitor(), 200).unref();
      });
    });
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
        ...('privateKey' in creds ? { privateKey: creds.privateKey } : { agent: creds.agent }),
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

function collect(channel: ClientChannel, options: ExecOptions, target: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | null = null;
    let signal: string | null = null;
    const onAbort = () => channel.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // always flowing: a sink that fails or ends early must not stall the channel's end
    const sink = options.stdout;
    channel.on('data', (chunk: Buffer) => (sink ? sink.write(chunk) : out.push(chunk)));
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
      code = exitCode;
      signal = exitSignal ?? null;
    });
    channel.on('close', () => {
      sink?.end();
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(options.signal.reason);
      if (code === null && signal === null) return reject(new Error(`the connection to ${target} dropped while a command ran`));
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    const stdin = options.stdin;
    if (stdin === undefined || typeof stdin === 'string' || Buffer.isBuffer(stdin)) channel.end(stdin);
    else stdin.pipe(channel);
  });
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
