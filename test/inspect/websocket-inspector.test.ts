/**
 * @statelyai/inspect's own WebSocket inspector (`createWebSocketInspector`), the client a
 * Node app uses to reach the Stately inspector, connected to a local receiver over a real
 * socket: what the receiver gets is what a viewer of the run would see.
 */
import type { AddressInfo } from 'node:net';
import { createWebSocketInspector, type StatelyActorEvent, type StatelyEventEvent, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent, Observer } from 'xstate';
import { WebSocketServer } from 'ws';
import { type ExperimentController, type ResourceStateEvent, thinInspection } from '../../src/index.js';
import { runInVirtualTime } from '../../src/testing/index.js';

type Inspector = ReturnType<typeof createWebSocketInspector>;

/** A WebSocket server on an ephemeral port of 127.0.0.1 that keeps every inspection event it is sent. */
interface Receiver {
  readonly url: string;
  readonly events: readonly StatelyInspectionEvent[];
  /** How many binary frames came (the protocol is JSON in text frames: none should). */
  readonly binaryFrames: () => number;
  /** Resolves when a client has connected. */
  readonly connected: Promise<void>;
  /** Resolves with the first event received (or already received) that `match` accepts. */
  waitFor(match: (event: StatelyInspectionEvent) => boolean, what: string): Promise<StatelyInspectionEvent>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const events: StatelyInspectionEvent[] = [];
  let binaryFrames = 0;
  const waiters = new Set<{ match: (event: StatelyInspectionEvent) => boolean; resolve: (event: StatelyInspectionEvent) => void }>();
  const connected = new Promise<void>((resolve) => {
    server.on('connection', (socket) => {
      resolve();
      socket.on('message', (data, isBinary) => {
        if (isBinary) binaryFrames++;
        const event = JSON.parse(data.toString()) as StatelyInspectionEvent;
        events.push(event);
        for (const waiter of waiters) {
          if (waiter.match(event)) {
            waiters.delete(waiter);
            waiter.resolve(event);
          }
        }
      });
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    binaryFrames: () => binaryFrames,
    connected,
    waitFor(match, what) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`the receiver got no ${what} (${events.length} events received)`));
        }, 5000).unref();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The `resource.state` report an inspection event carries, if it carries one. */
function reportIn(event: StatelyInspectionEvent): ResourceStateEvent | undefined {
  return event.type === '@xstate.event' && event.event.type === 'resource.state' ? (event.event as ResourceStateEvent) : undefined;
}

function build(ec: ExperimentController): void {
  const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
  const server = ec.registerResource('dummy::Application', { deployTime: '100ms', runTime: '2s' }, { name: 'server' });
  const client = ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'client' });
  ec.registerConnection(server, node);
  ec.registerConnection(client, node);
  ec.registerCondition(client, 'START', server, 'STARTED', '500ms');
}

let receiver: Receiver | undefined;
let inspector: Inspector | undefined;
afterEach(async () => {
  inspector?.stop();
  await receiver?.close();
  receiver = undefined;
  inspector = undefined;
});

describe('the Stately WebSocket inspector', () => {
  it.each<[string, (inspector: Inspector) => Observer<InspectionEvent>]>([
    ['its own observer (inspector.inspect)', (inspector) => inspector.inspect],
    ["nepi's thin observer (thinInspection)", (inspector) => thinInspection({ send: (event) => inspector.adapter.send(event) })],
  ])('delivers the controller, each resource with the controller as parent, and the events between them, through %s', async (_name, observerOf) => {
    receiver = await startReceiver();
    // a handshake not yet answered defers events (200 at most by default): keep them all
    inspector = createWebSocketInspector({ url: receiver.url, maxDeferredEvents: 100_000 });
    await receiver.connected;
    const { resources } = await runInVirtualTime(build, { inspect: observerOf(inspector) });
    const guids = Object.keys(resources);
    expect(guids).toEqual(['node', 'server', 'client']);
    // one socket keeps the order: once every resource's RELEASED report is in, all before it is too
    for (const guid of guids) {
      await receiver.waitFor((e) => reportIn(e)?.guid === guid && reportIn(e)?.to === 'RELEASED', `RELEASED report of ${guid}`);
    }
    const received = receiver.events;
    expect(receiver.binaryFrames()).toBe(0);
    const actors = received.filter((e): e is StatelyActorEvent => e.type === '@xstate.actor');
    const events = received.filter((e): e is StatelyEventEvent => e.type === '@xstate.event');

    const roots = actors.filter((a) => a.parentId === undefined);
    expect(roots.map((a) => a.name)).toEqual(['controller']);
    const controller = roots[0]!;
    expect(controller.definition).toContain('"id":"controller"');

    for (const guid of guids) {
      const rm = actors.filter((a) => a.name === guid);
      expect(rm, guid).toHaveLength(1);
      expect(rm[0]!.parentId, `parent of ${guid}`).toBe(controller.sessionId);
      expect(rm[0]!.rootId, `root of ${guid}`).toBe(controller.sessionId);
      const session = rm[0]!.sessionId;
      // what the controller sent it, in order
      const sent = events.filter((e) => e.sourceId === controller.sessionId && e.sessionId === session).map((e) => e.event.type);
      expect(
        sent.filter((type) => ['DEPLOY', 'START', 'RELEASE'].includes(type)),
        `sent to ${guid}`,
      ).toEqual(['DEPLOY', 'START', 'RELEASE']);
      // what it reported to the controller: every state it entered after NEW, in order
      const reports = events.filter((e) => e.sourceId === session && e.sessionId === controller.sessionId).flatMap((e) => reportIn(e) ?? []);
      expect(reports.every((report) => report.guid === guid)).toBe(true);
      const entered = Object.keys(resources[guid]!.times).filter((state) => state !== 'NEW');
      expect(
        reports.map((report) => report.to),
        `reported by ${guid}`,
      ).toEqual(entered);
      expect(entered).toEqual(expect.arrayContaining(['READY', 'STARTED', 'RELEASED']));
    }
    // and the state of each as it changed: the last snapshot (sent after the report) is RELEASED
    for (const rm of actors.filter((a) => a.parentId === controller.sessionId && guids.includes(a.name))) {
      await receiver.waitFor(
        (e) => e.type === '@xstate.snapshot' && e.sessionId === rm.sessionId && (e.snapshot as { value?: unknown }).value === 'RELEASED',
        `RELEASED snapshot of ${rm.name}`,
      );
    }
  });
});
