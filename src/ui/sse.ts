/**
 * Server-sent events: a page opens one long response and the server writes each message to
 * it as it happens (`event: NAME` / `data: JSON`). The page never asks again; the browser's
 * EventSource reconnects by itself and then gets the whole picture first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
}

/** A comment line every 15 s keeps proxies and idle timeouts from closing the stream. */
const KEEP_ALIVE_MS = 15_000;

export class SseStream {
  readonly #clients = new Set<ServerResponse>();
  #keepAlive: NodeJS.Timeout | undefined;

  /** Answer `req` with an event stream that starts with `first` (the state as it stands). */
  open(req: IncomingMessage, res: ServerResponse, first: Iterable<SseMessage>): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    for (const message of first) res.write(format(message));
    this.#clients.add(res);
    req.on('close', () => this.#clients.delete(res));
    this.#keepAlive ??= setInterval(() => {
      for (const client of this.#clients) client.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS).unref();
  }

  /** Write `message` to every open stream. */
  send(message: SseMessage): void {
    if (this.#clients.size === 0) return;
    const text = format(message);
    for (const client of this.#clients) client.write(text);
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** End every stream. */
  close(): void {
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}

function format(message: SseMessage): string {
  return `event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}
