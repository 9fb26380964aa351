import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentController, NepiError } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { startLocalServer } from '../../src/ui/http-server.js';
import { serveLiveView, type LiveView } from '../../src/ui/live-view.js';
import { readSse, type SseReader } from './sse-client.js';

let view: LiveView | undefined;
let reader: SseReader | undefined;
afterEach(async () => {
  reader?.close();
  await view?.close();
  view = reader = undefined;
});

function experiment() {
  const clock = new VirtualClock();
  const ec = new ExperimentController({ clock, record: false, expId: 'stream' });
  const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
  const server = ec.registerResource('dummy::Application', { runTime: '3s' }, { name: 'server' });
  const client = ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'client' });
  const bad = ec.registerResource('dummy::Application', { critical: false, failAt: 'start' }, { name: 'bad' });
  for (const app of [server, client, bad]) ec.registerConnection(node, app);
  ec.registerCondition(client, 'START', server, 'STARTED', '2s');
  return { clock, ec };
}

describe('live view stream', () => {
  it('sends the whole run first, then each state change, condition, failure and the end', async () => {
    const { clock, ec } = experiment();
    view = await serveLiveView(ec);
    expect(view.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    reader = await readSse(`${view.url}events`);
    const first = await reader.waitFor((m) => m.event === 'snapshot');
    expect(first.data.resources.map((r: { guid: string; state: string }) => [r.guid, r.state])).toEqual([
      ['node', 'NEW'],
      ['server', 'NEW'],
      ['client', 'NEW'],
      ['bad', 'NEW'],
    ]);
    // the graph comes laid out (Graphviz, left to right): one box per resource, one spline per
    // connection (from the node to its application) and per condition member
    const graph = first.data.graph;
    expect(graph.drawn).toBe(true);
    const box = Object.fromEntries(graph.boxes.map((b: { guid: string }) => [b.guid, b]));
    expect(Object.keys(box)).toEqual(['node', 'server', 'client', 'bad']);
    for (const app of ['server', 'client', 'bad']) expect(box[app].x).toBeGreaterThan(box['node'].x + box['node'].width);
    expect(box['client'].x).toBeGreaterThan(box['server'].x + box['server'].width); // it waits for the server
    expect(graph.edges.map((e: { kind: string; from: string; to: string; condition?: number }) => [e.kind, e.from, e.to, e.condition])).toEqual([
      ['connection', 'node', 'server', undefined],
      ['connection', 'node', 'client', undefined],
      ['connection', 'node', 'bad', undefined],
      ['condition', 'server', 'client', 0],
    ]);
    for (const edge of graph.edges) expect(edge.path).toMatch(/^M[\d.]+,[\d.]+(C[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+)+(L[\d.]+,[\d.]+)?$/);
    expect(graph.edges[3].path).toMatch(/L[\d.,]+$/); // the arrow's end, where the page puts its head
    expect(first.data.connections).toEqual([
      ['node', 'server'],
      ['node', 'client'],
      ['node', 'bad'],
    ]);
    expect(first.data.conditions).toEqual([{ id: 0, guid: 'client', action: 'START', group: ['server'], state: 'STARTED', delay: 2000, status: 'waiting' }]);

    ec.deploy();
    await clock.advance(500);
    const held = await reader.waitFor((m) => m.event === 'condition' && m.data.condition.status === 'held');
    expect(held.data.condition).toMatchObject({ heldAt: 0, deadline: 2000 });
    const failure = await reader.waitFor((m) => m.event === 'failure');
    expect(failure.data.failure).toMatchObject({ guid: 'bad', step: 'start', critical: false });
    expect(failure.data.failure.error).toMatch(/start/);
    await reader.waitFor((m) => m.event === 'state' && m.data.resource.guid === 'server' && m.data.resource.state === 'STARTED');

    const done = ec.run();
    await clock.runAll();
    view.end(await done);
    await reader.waitFor((m) => m.event === 'condition' && m.data.condition.status === 'fired' && m.data.condition.firedAt === 2000);
    const end = await reader.waitFor((m) => m.event === 'end');
    expect(end.data.status).toBe('released');
    // time goes on after the end; a page opened later must still show the run's own times
    await clock.advance(10_000);
    const states = reader.messages.filter((m) => m.event === 'state').map((m) => `${m.data.entry.guid} ${m.data.entry.to}`);
    for (const guid of ['node', 'server', 'client', 'bad']) expect(states).toContain(`${guid} RELEASED`);

    // a page opened after the end gets the finished run at once
    const late = await readSse(`${view.url}events`);
    const snapshot = (await late.waitFor((m) => m.event === 'snapshot')).data;
    late.close();
    expect(snapshot.ended).toBe(true);
    expect(snapshot.now).toBe(end.data.now);
    expect(snapshot.resources.every((r: { state: string }) => r.state === 'RELEASED')).toBe(true);
    expect(snapshot.conditions[0]).toMatchObject({ status: 'fired', heldAt: 0, deadline: 2000, firedAt: 2000 });
    expect(snapshot.failures).toHaveLength(1);
    expect(snapshot.timeline.filter((e: { kind: string }) => e.kind === 'condition')).toHaveLength(2);
  });

  it('marks every condition of an action fired when the action goes out, not only the last one', async () => {
    const clock = new VirtualClock();
    const ec = new ExperimentController({ clock, record: false, expId: 'two-conditions' });
    const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
    const server = ec.registerResource('dummy::Application', { runTime: '3s' }, { name: 'server' });
    const client = ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'client' });
    for (const app of [server, client]) ec.registerConnection(node, app);
    ec.registerCondition(client, 'START', server, 'STARTED', '1s');
    ec.registerCondition(client, 'START', node, 'STARTED', '2s');
    view = await serveLiveView(ec);
    reader = await readSse(`${view.url}events`);
    await reader.waitFor((m) => m.event === 'snapshot');
    const done = ec.run();
    await clock.runAll();
    view.end(await done);
    await reader.waitFor((m) => m.event === 'end');
    const late = await readSse(`${view.url}events`);
    const snapshot = (await late.waitFor((m) => m.event === 'snapshot')).data;
    late.close();
    expect(snapshot.conditions).toMatchObject([
      { group: ['server'], status: 'fired', heldAt: 0, firedAt: 2000 },
      { group: ['node'], status: 'fired', heldAt: 0, firedAt: 2000 },
    ]);
    const fired = reader.messages.filter((m) => m.event === 'condition' && m.data.condition.status === 'fired');
    expect(fired.map((m) => m.data.condition.id).sort()).toEqual([0, 1]);
    expect(fired.filter((m) => m.data.entry !== undefined)).toHaveLength(1); // one line in the page's log
    expect(snapshot.timeline.filter((e: { kind: string; event: string }) => e.kind === 'condition' && e.event === 'fired')).toHaveLength(1);
  });

  it('serves its page and script itself, and nothing else', async () => {
    const { ec } = experiment();
    view = await serveLiveView(ec);
    const page = await fetch(view.url);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<script src="/live-view.js"></script>');
    expect(html).not.toMatch(/https?:\/\//); // no CDN: every asset comes from this server
    const script = await (await fetch(`${view.url}live-view.js`)).text();
    expect(script).toContain("new EventSource('/events')");
    expect(script).not.toMatch(/fetch\(|XMLHttpRequest/); // the page never polls
    expect((await fetch(`${view.url}nope`)).status).toBe(404);
    expect((await fetch(view.url, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a port already taken, naming it', async () => {
    const first = await startLocalServer(0);
    try {
      await expect(startLocalServer(first.port)).rejects.toThrow(NepiError);
      await expect(startLocalServer(first.port)).rejects.toThrow(`cannot serve on 127.0.0.1:${first.port}: the port is already in use`);
      await expect(startLocalServer(Number('abc'))).rejects.toThrow('Expected `--port` to be an integer from 0 to 65535, got `NaN`');
    } finally {
      await first.close();
    }
  });
});
