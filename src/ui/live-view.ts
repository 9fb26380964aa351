/**
 * The live view: a page on 127.0.0.1 showing a running experiment as it happens (graph,
 * states, waiting conditions, failures, timeline), pushed by server-sent events.
 *
 *   const view = await serveLiveView(ec, { port: 0 });
 *   console.log(view.url);
 *   const summary = await ec.run();
 *   view.end(summary);        // the page shows the run as finished; still served
 *   await view.close();       // when the user is done
 */
import type { ExperimentController } from '../experiment/experiment-controller.js';
import type { RunSummary } from '../run/summary.js';
import { LIVE_VIEW_SCRIPT } from './assets/live-view-script.js';
import { liveViewPage } from './assets/live-view-page.js';
import { sendText, startLocalServer, type LocalServer } from './http-server.js';
import { LiveRun, type LiveMessage } from './live-run.js';
import { SseStream } from './sse.js';

/** Options of {@link serveLiveView}. */
export interface LiveViewOptions {
  /** The port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number;
  /** Serve on this server instead of starting one (it must not be closed by anyone else). */
  readonly server?: LocalServer;
}

/** A live view being served (see {@link serveLiveView}). */
export interface LiveView {
  /** The page's address, `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly server: LocalServer;
  /** Tell the pages the run is over (its status); the page stays served. */
  end(summary: Pick<RunSummary, 'status'>): void;
  /** Stop serving. */
  close(): Promise<void>;
}

/** Serve the live view of `ec`; call it before `ec.run()` or `ec.deploy()` so no change is missed. */
export async function serveLiveView(ec: ExperimentController, options: LiveViewOptions = {}): Promise<LiveView> {
  const server = options.server ?? (await startLocalServer(options.port ?? 0));
  const live = new LiveRun(ec);
  // before the first page connects: the experiment's shape is laid out once, for every page
  await live.layOutGraph();
  const stream = new SseStream();
  const page = liveViewPage(`${ec.expId} / ${ec.runId}`);
  live.subscribe((message: LiveMessage) => stream.send({ event: message.type, data: message }));
  server.route('/', (_req, res) => sendText(res, 'text/html', page));
  server.route('/live-view.js', (_req, res) => sendText(res, 'text/javascript', LIVE_VIEW_SCRIPT));
  server.route('/events', (req, res) => stream.open(req, res, [{ event: 'snapshot', data: live.snapshot() }]));
  let closed: Promise<void> | undefined;
  return {
    url: `${server.url}/`,
    server,
    end: (summary) => live.end(summary),
    close: () => {
      closed ??= (async () => {
        live.end({ status: ec.status });
        stream.close();
        if (!options.server) await server.close();
      })();
      return closed;
    },
  };
}
