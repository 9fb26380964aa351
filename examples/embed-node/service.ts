/**
 * nepi embedded in an HTTP service (Node's `http`, no framework): post an experiment as JSON,
 * the shape of an experiment file, and follow it.
 *
 *   POST   /runs             the experiment: 201 with the run's id and links (400: what is wrong with it)
 *   GET    /runs             every run: id, expId, status
 *   GET    /runs/:id         the run's summary, as it stands until it ends
 *   GET    /runs/:id/events  its state changes as server-sent events, from the first; `end` carries the summary
 *   DELETE /runs/:id         interrupt it (it is released, and its summary says so)
 *
 * Posted experiments may only use the dummy backend's types unless the service is given
 * another registry: a linux::Application would run its command on this host.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  buildExperiment,
  DummyApplication,
  DummyLink,
  DummyNode,
  ExperimentFileError,
  NepiError,
  TypeRegistry,
  type ExperimentController,
  type ExperimentFileDescription,
} from '../../src/index.js';
import { Run, type RunMessage } from './run.js';

export interface RunServiceOptions {
  /** Where the runs' directories go (default `nepi-runs`). */
  readonly localDir?: string;
  /** The resource types a posted experiment may use (default: the dummy backend's). */
  readonly registry?: TypeRegistry;
}

export interface RunService {
  /** Not yet listening: `service.server.listen(port)`. */
  readonly server: Server;
  /** Interrupt every run still going (by `reason`), wait until all are released, stop listening. */
  close(reason?: string): Promise<void>;
}

/** The largest experiment a POST may carry. */
const MAX_BODY_BYTES = 1 << 20;
/** A comment line this often keeps proxies from closing a quiet event stream. */
const KEEP_ALIVE_MS = 15_000;

export function createRunService(options: RunServiceOptions = {}): RunService {
  const registry = options.registry ?? dummyRegistry();
  const localDir = options.localDir ?? 'nepi-runs';
  const runs = new Map<string, { run: Run; abort: AbortController }>();

  const post = async (req: IncomingMessage, res: ServerResponse) => {
    let description: unknown;
    try {
      description = JSON.parse(await readBody(req));
    } catch (error) {
      return reply(res, error instanceof BodyTooLarge ? 413 : 400, { error: `the body is not an experiment in JSON: ${(error as Error).message}` });
    }
    let ec: ExperimentController;
    try {
      ec = buildExperiment(description as ExperimentFileDescription, { registry, localDir });
    } catch (error) {
      if (error instanceof ExperimentFileError) return reply(res, 400, { error: error.message, problems: error.problems });
      if (error instanceof NepiError) return reply(res, 400, { error: error.message });
      throw error;
    }
    const abort = new AbortController();
    const run = new Run(ec, abort.signal);
    runs.set(run.id, { run, abort });
    res.setHeader('location', `/runs/${run.id}`);
    reply(res, 201, { id: run.id, expId: ec.expId, summary: `/runs/${run.id}`, events: `/runs/${run.id}/events` });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const [top, id, sub, ...rest] = new URL(req.url ?? '/', 'http://service').pathname.split('/').filter(Boolean);
    if (top !== 'runs' || rest.length > 0 || (sub !== undefined && sub !== 'events')) return reply(res, 404, { error: 'not found' });
    if (id === undefined) {
      if (req.method === 'POST') return post(req, res);
      if (req.method === 'GET')
        return reply(
          res,
          200,
          [...runs.values()].map(({ run }) => ({ id: run.id, expId: run.summary().expId, status: run.summary().status })),
        );
      return notAllowed(res, 'GET, POST');
    }
    const entry = runs.get(id);
    if (!entry) return reply(res, 404, { error: `no run '${id}'` });
    if (sub === 'events') return req.method === 'GET' ? stream(req, res, entry.run) : notAllowed(res, 'GET');
    if (req.method === 'GET') return reply(res, 200, entry.run.summary());
    if (req.method !== 'DELETE') return notAllowed(res, 'GET, DELETE');
    entry.abort.abort(`DELETE /runs/${id}`);
    reply(res, 202, { id, interrupted: !entry.run.ended });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  return {
    server,
    async close(reason = 'the service closing') {
      for (const { abort } of runs.values()) abort.abort(reason);
      await Promise.all([...runs.values()].map(({ run }) => run.done));
      if (server.listening) await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The types of the dummy backend only: resources that just take time. */
function dummyRegistry(): TypeRegistry {
  const registry = new TypeRegistry();
  for (const type of [DummyNode, DummyApplication, DummyLink]) registry.register(type);
  return registry;
}

/**
 * Answer with the run's messages as server-sent events, from the one after `Last-Event-ID`
 * (an EventSource reconnecting) or the first, until `end`. Once a client has seen `end`,
 * 204 tells its EventSource to stop reconnecting.
 */
function stream(req: IncomingMessage, res: ServerResponse, run: Run): void {
  const lastId = Number(req.headers['last-event-id'] ?? -1);
  const after = Number.isInteger(lastId) ? lastId : -1;
  if (run.ended && after >= run.messageCount - 1) {
    res.writeHead(204).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  const write = (message: RunMessage) => {
    res.write(`id: ${message.id}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
    if (message.event === 'end') res.end();
  };
  const unsubscribe = run.listen(write, after);
  res.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge(`it is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(`${JSON.stringify(body, null, 2)}\n`);
}

function notAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  reply(res, 405, { error: 'method not allowed' });
}
