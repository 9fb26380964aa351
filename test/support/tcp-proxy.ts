/**
 * A TCP proxy for tests: clients connect to `port` and are forwarded to `target`. `cut()`
 * drops every open connection at once, as a network failure would; new connections are
 * accepted again right away unless `refuse(true)`. `hold(true)` keeps what the server sends
 * from the clients (it is delivered at `hold(false)`): a host that stops answering while the
 * connection stays up.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** How many connections it accepted. */
  readonly accepted: number;
  cut(): void;
  refuse(on: boolean): void;
  hold(on: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let refusing = false;
  let holding = false;
  let accepted = 0;
  const links: Array<{ client: Socket; upstream: Socket }> = [];
  const server = createServer((client) => {
    if (refusing) return void client.destroy();
    accepted++;
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    links.push({ client, upstream });
    if (!holding) upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get accepted() {
      return accepted;
    },
    cut() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    refuse(on) {
      refusing = on;
    },
    hold(on) {
      if (on === holding) return;
      holding = on;
      for (const { client, upstream } of links) {
        if (on) {
          upstream.unpipe(client);
          upstream.pause();
        } else upstream.pipe(client);
      }
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
