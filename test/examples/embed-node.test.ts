/**
 * examples/embed-node: the HTTP service on an ephemeral port, two experiments posted at once,
 * each followed through its own event stream to its summary.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunService, type RunService } from '../../examples/embed-node/service.js';

interface Message {
  readonly id: number;
  readonly event: string;
  readonly data: any;
}

let service: RunService;
let base: string;
let localDir: string;

beforeAll(async () => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-embed-node-'));
  service = createRunService({ localDir });
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await service?.close();
  rmSync(localDir, { recursive: true, force: true });
});

/** A JSON answer, untyped as tests read it. */
async function json(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

function postRun(description: unknown): Promise<Response> {
  return fetch(`${base}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(description) });
}

/** Every message of a run's event stream, read until the server ends it. */
async function readEvents(id: string, headers: Record<string, string> = {}): Promise<{ status: number; messages: Message[] }> {
  const response = await fetch(`${base}/runs/${id}/events`, { headers });
  const text = await response.text();
  const messages = text
    .split('\n\n')
    .filter((block) => block.startsWith('id: '))
    .map((block) => {
      const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
      return { id: Number(fields['id']), event: fields['event']!, data: JSON.parse(fields['data']!) };
    });
  return { status: response.status, messages };
}

/** The states each resource went through, in order, as its state events tell. */
function pathsOf(messages: readonly Message[]): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const { event, data } of messages) if (event === 'state') (paths[data.guid] ??= [data.from]).push(data.to);
  return paths;
}

const NODE_PATH = ['NEW', 'DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'RELEASED'];
const APP_PATH = ['NEW', 'DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'FINISHED', 'RELEASED'];

const alpha = {
  expId: 'alpha',
  resources: {
    node: { type: 'dummy::Node' },
    server: { type: 'dummy::Application', connect: ['node'], attributes: { runTime: '400ms' } },
    client: {
      type: 'dummy::Application',
      connect: ['node'],
      attributes: { runTime: '100ms' },
      conditions: [{ action: 'START', group: ['server'], state: 'STARTED', time: '150ms' }],
    },
  },
};

const beta = {
  expId: 'beta',
  resources: {
    host: { type: 'dummy::Node', attributes: { provisionTime: '50ms' } },
    worker: { type: 'dummy::Application', connect: ['host'], attributes: { runTime: '300ms' } },
  },
};

describe('examples/embed-node', () => {
  it('runs two experiments at once, each with its own event stream and summary', async () => {
    const posted = await Promise.all([postRun(alpha), postRun(beta)]);
    expect(posted.map((response) => response.status)).toEqual([201, 201]);
    const [a, b] = await Promise.all(posted.map(json));
    expect([a.expId, b.expId]).toEqual(['alpha', 'beta']);
    expect(a.id).not.toBe(b.id);
    expect(posted[0].headers.get('location')).toBe(`/runs/${a.id}`);

    const [streamA, streamB] = await Promise.all([readEvents(a.id), readEvents(b.id)]);
    const [summaryA, summaryB] = await Promise.all([a, b].map(({ id }) => json(fetch(`${base}/runs/${id}`))));

    expect(pathsOf(streamA.messages)).toEqual({ node: NODE_PATH, server: APP_PATH, client: APP_PATH });
    expect(pathsOf(streamB.messages)).toEqual({ host: NODE_PATH, worker: APP_PATH });
    for (const [stream, summary, expId] of [
      [streamA, summaryA, 'alpha'],
      [streamB, summaryB, 'beta'],
    ] as const) {
      expect(stream.messages.map((message) => message.id)).toEqual(stream.messages.map((_, index) => index));
      const end = stream.messages.at(-1)!;
      expect(end.event).toBe('end');
      expect(end.data).toEqual(summary);
      expect(summary).toMatchObject({ expId, status: 'released', failures: [] });
      expect(JSON.parse(readFileSync(join(summary.runDir, 'summary.json'), 'utf8'))).toEqual(summary);
    }
    // the client started 150 ms after the server STARTED, as its condition says
    const { server, client } = summaryA.resources;
    expect(client.times.STARTED - server.times.STARTED).toBeGreaterThanOrEqual(150);
    // the two ran at the same time
    expect(Date.parse(summaryA.startedAt)).toBeLessThan(Date.parse(summaryB.endedAt));
    expect(Date.parse(summaryB.startedAt)).toBeLessThan(Date.parse(summaryA.endedAt));

    // a listener that comes after the end gets the whole stream; one that saw the end gets 204
    expect((await readEvents(a.id)).messages).toEqual(streamA.messages);
    expect((await readEvents(a.id, { 'last-event-id': String(streamA.messages.at(-1)!.id) })).status).toBe(204);
    const listed = await json(fetch(`${base}/runs`));
    expect(listed).toEqual(
      expect.arrayContaining([
        { id: a.id, expId: 'alpha', status: 'released' },
        { id: b.id, expId: 'beta', status: 'released' },
      ]),
    );
  });

  it('interrupts a run on DELETE and releases it', async () => {
    const posted = await postRun({
      expId: 'long',
      resources: { node: { type: 'dummy::Node' }, app: { type: 'dummy::Application', connect: ['node'], attributes: { runTime: '1h' } } },
    });
    const { id } = await json(posted);
    const events = readEvents(id);
    await expect.poll(async () => (await json(fetch(`${base}/runs/${id}`))).resources.app.state).toBe('STARTED');
    expect((await fetch(`${base}/runs/${id}`, { method: 'DELETE' })).status).toBe(202);
    const { messages } = await events;
    expect(messages.at(-1)!.data).toMatchObject({ status: 'interrupted', interrupted: { by: `DELETE /runs/${id}` } });
    expect(pathsOf(messages)['app']).toEqual(['NEW', 'DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'RELEASED']);
  });

  it('answers 400 with the problems of a bad experiment, and runs no type outside the dummy backend', async () => {
    const unknown = await postRun({ resources: { node: { type: 'dummy::Node', attributes: { provisionTime: 'soon' } }, shell: { type: 'linux::Node' } } });
    expect(unknown.status).toBe(400);
    const { problems } = await json(unknown);
    expect(problems.map((problem: { path: string }) => problem.path)).toEqual(['resources.node.attributes.provisionTime', 'resources.shell.type']);
    expect((await fetch(`${base}/runs`, { method: 'POST', body: '{ not json' })).status).toBe(400);
    expect((await fetch(`${base}/runs/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/runs/nothing/events`)).status).toBe(404);
  });
});
