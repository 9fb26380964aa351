/**
 * The life of one SSH connection to one host, as an XState machine free of I/O: dialling is
 * an invoked actor (`dial`) that host.ts provides, and the waits between two tries are
 * delayed transitions on the actor system's clock, so the machine shows in inspection and is
 * tested on a simulated clock.
 *
 *   idle ──CONNECT──▶ connecting ──done──▶ ready ──DROPPED──▶ reconnecting ──▶ ready
 *                        │ error (back to idle: the next caller tries again)    │ reconnectTimeout
 *                        ▼                                                     ▼
 *                      idle                                                  failed
 *   CLOSE from anywhere ──▶ closed
 *
 * While reconnecting it waits 0.25 s (doubling up to 4 s, never past the deadline) before
 * each try, and gives up once `reconnectTimeout` has passed since the drop. What it emits
 * (`up`, `down`, `refused`, `lost`) is how host.ts hears of it.
 */
import { assign, enqueueActions, fromPromise, setup, type ActorRefFrom } from 'xstate';

export const FIRST_BACKOFF_MS = 250;
export const MAX_BACKOFF_MS = 4000;

export interface DialInput {
  /** How long the try may take (TCP and SSH handshake), ms. */
  readonly timeout: number;
}

export interface ConnectionInput {
  /** ms: how long a dropped connection is tried again before it is given up. */
  readonly reconnectTimeout: number;
  /** ms: how long one try may take. */
  readonly connectTimeout: number;
  /** The clock's now (the actor system's clock): the deadline of a reconnection. */
  readonly now: () => number;
}

export interface ConnectionContext<L> extends ConnectionInput {
  link: L | undefined;
  /** While reconnecting: when it gives up, the wait before the next try, and the tries so far. */
  deadline: number;
  backoff: number;
  tries: number;
  lastError: unknown;
  /** How often the connection dropped and was restored. */
  reconnects: number;
}

export type ConnectionEvent<L> =
  | { type: 'CONNECT' }
  /** The link in use closed (a network failure, the server went away). */
  | { type: 'DROPPED'; link: L }
  | { type: 'CLOSE' };

export type ConnectionEmitted<L> =
  /** A link is up (the first, or one restored after a drop). */
  | { type: 'up'; link: L; restored: boolean }
  /** The link in use dropped: a reconnection begins. */
  | { type: 'down'; link: L }
  /** The first connection failed: the connection is idle again. */
  | { type: 'refused'; error: unknown }
  /** The reconnection did not succeed within reconnectTimeout. */
  | { type: 'lost'; tries: number; error: unknown };

/** The connection machine for links of type `L` (an ssh2 client and its gateway, in host.ts). */
export function connectionMachine<L>() {
  return setup({
    types: {
      context: {} as ConnectionContext<L>,
      input: {} as ConnectionInput,
      events: {} as ConnectionEvent<L>,
      emitted: {} as ConnectionEmitted<L>,
    },
    actors: {
      // provided by host.ts: one connection attempt (through the gateway if there is one)
      dial: fromPromise<L, DialInput>(async () => {
        throw new Error('no dial actor was provided');
      }),
    },
    delays: {
      backoff: ({ context }) => Math.max(0, Math.min(context.backoff, context.deadline - context.now())),
    },
    guards: {
      currentLink: ({ context, event }) => event.type === 'DROPPED' && event.link === context.link,
      pastDeadline: ({ context }) => context.now() >= context.deadline,
    },
  }).createMachine({
    id: 'ssh-connection',
    context: ({ input }) => ({ ...input, link: undefined, deadline: 0, backoff: FIRST_BACKOFF_MS, tries: 0, lastError: undefined, reconnects: 0 }),
    initial: 'idle',
    on: { CLOSE: '.closed' },
    states: {
      idle: { on: { CONNECT: 'connecting' } },
      connecting: {
        invoke: {
          src: 'dial',
          input: ({ context }) => ({ timeout: context.connectTimeout }),
          onDone: {
            target: 'ready',
            actions: enqueueActions(({ enqueue, event }) => {
              enqueue.assign({ link: event.output });
              enqueue.emit({ type: 'up', link: event.output, restored: false });
            }),
          },
          onError: { target: 'idle', actions: enqueueActions(({ enqueue, event }) => enqueue.emit({ type: 'refused', error: event.error })) },
        },
      },
      ready: {
        on: {
          DROPPED: {
            guard: 'currentLink',
            target: 'reconnecting',
            actions: enqueueActions(({ context, enqueue }) => {
              enqueue.emit({ type: 'down', link: context.link as L });
              enqueue.assign({
                link: undefined,
                deadline: context.now() + context.reconnectTimeout,
                backoff: FIRST_BACKOFF_MS,
                tries: 0,
                lastError: undefined,
              });
            }),
          },
        },
      },
      reconnecting: {
        initial: 'waiting',
        states: {
          waiting: {
            always: { guard: 'pastDeadline', target: '#ssh-connection.failed' },
            after: { backoff: 'dialing' },
            exit: assign(({ context }) => ({ backoff: Math.min(context.backoff * 2, MAX_BACKOFF_MS) })),
          },
          dialing: {
            entry: assign(({ context }) => ({ tries: context.tries + 1 })),
            invoke: {
              src: 'dial',
              input: ({ context }) => ({ timeout: Math.max(1000, Math.min(context.connectTimeout, context.deadline - context.now())) }),
              onDone: {
                target: '#ssh-connection.ready',
                actions: enqueueActions(({ context, enqueue, event }) => {
                  enqueue.assign({ link: event.output, reconnects: context.reconnects + 1 });
                  enqueue.emit({ type: 'up', link: event.output, restored: true });
                }),
              },
              onError: { target: 'waiting', actions: assign(({ event }) => ({ lastError: event.error })) },
            },
          },
        },
      },
      failed: {
        type: 'final',
        entry: enqueueActions(({ context, enqueue }) => enqueue.emit({ type: 'lost', tries: context.tries, error: context.lastError })),
      },
      closed: { type: 'final' },
    },
  });
}

export type ConnectionMachine<L> = ReturnType<typeof connectionMachine<L>>;
export type ConnectionActor<L> = ActorRefFrom<ConnectionMachine<L>>;
