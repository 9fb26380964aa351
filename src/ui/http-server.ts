/**
 * A small HTTP server on the loopback interface for the live view and the inspector bridge:
 * fixed routes, no files read from disk (every asset is a string compiled into nepi).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NepiError } from '../errors.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LocalServer {
  /** `http://127.0.0.1:PORT`, the port chosen by the system when 0 was asked. */
  readonly url: string;
  readonly port: number;
  /** Serve `path` (exact match, GET) with `handler`. */
  route(path: string, handler: RouteHandler): void;
  /** Stop listening and drop every open connection (event streams included). */
  close(): Promise<void>;
}

export const LOOPBACK = '127.0.0.1';

/** Listen on 127.0.0.1:`port` (0: any free port). Rejects with a NepiError when the port is taken. */
export async function startLocalServer(port: number): Promise<LocalServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new NepiError(`Expected \`--port\` to be an integer from 0 to 65535, got \`${port}\``);
  }
  const routes = new Map<string, RouteHandler>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = req.method === 'GET' || req.method === 'HEAD' ? routes.get(path) : undefined;
    if (!handler) {
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.message;
      reject(new NepiError(`cannot serve on ${LOOPBACK}:${port}: ${why}; pick another with --port`));
    });
    server.listen(port, LOOPBACK, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${actual}`,
    port: actual,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answer with a complete text body. */
export function sendText(res: ServerResponse, contentType: string, body: string): void {
  res.writeHead(200, { 'content-type': `${contentType}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
}
