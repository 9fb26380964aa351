/**
 * `nepi run --inspect`: the run shown in the Stately inspector (https://stately.ai/inspect).
 *
 * The page `/inspect` on nepi's local server holds the hosted inspector in a frame and hands
 * it the run's inspection events (`@statelyai/inspect`'s protocol, made thin by
 * `thinInspection`) with `postMessage`, as `@statelyai/inspect/server`'s bridge page does.
 * The events reach the page by server-sent events rather than a WebSocket relay: Node 20 has
 * no WebSocket client, and a page opened late still gets every actor, the latest snapshot of
 * each and the recent events (the relay of `@statelyai/inspect/server` replays only its last
 * 200 messages, listens on every interface and leaves a taken port unhandled).
 */
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import { escapeHtml } from '../assets/live-view-page.js';
import { sendText, type LocalServer } from '../http-server.js';
import { SseStream } from '../sse.js';
import { thinInspection } from './thin-inspection.js';

/** What `createInspector` sends events through (not exported by name by `@statelyai/inspect`). */
type Adapter = Parameters<typeof createInspector>[0];

/** The hosted inspector; `NEPI_INSPECT_URL` points nepi at another (a self-hosted one). */
export const STATELY_INSPECTOR_URL = 'https://stately.ai/inspect';

/** How many `@xstate.event`s a page opened late is given (every actor and snapshot it gets anyway). */
const RECENT_EVENTS = 500;

export interface StatelyBridge {
  /** The page to open: `http://127.0.0.1:PORT/inspect`. */
  readonly url: string;
  /** The observer to give `new ExperimentController({ inspect })`. */
  readonly inspect: Observer<InspectionEvent>;
  /** The `@statelyai/inspect` inspector: `inspector.event(...)` etc. reach the page too. */
  readonly inspector: ReturnType<typeof createInspector<Adapter>>;
  /** End the pages' event streams. */
  close(): void;
}

/**
 * Whether `url` answers within `timeoutMs`: undefined when it does (any HTTP status), else
 * why not (`getaddrinfo ENOTFOUND stately.ai`, `timed out after 5 s`, ...).
 */
export async function unreachable(url: string, timeoutMs = 5000): Promise<string | undefined> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return undefined;
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return `no answer within ${timeoutMs / 1000} s`;
    }
    const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
    return cause?.message ?? cause?.code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** Serve `/inspect` (the bridge page) and `/inspect/events` on `server`. */
export function serveStatelyBridge(server: LocalServer, inspectorUrl = STATELY_INSPECTOR_URL): StatelyBridge {
  const stream = new SseStream();
  const actors: StatelyInspectionEvent[] = [];
  const snapshots = new Map<string, StatelyInspectionEvent>();
  const recent: StatelyInspectionEvent[] = [];
  const adapter: Adapter = {
    send(event) {
      if (event.type === '@xstate.actor') actors.push(event);
      else if (event.type === '@xstate.snapshot') snapshots.set(event.sessionId, event);
      else {
        recent.push(event);
        if (recent.length > RECENT_EVENTS * 2) recent.splice(0, recent.length - RECENT_EVENTS);
      }
      stream.send({ event: 'inspect', data: event });
    },
  };
  const inspector = createInspector(adapter, { autoStart: false });
  const page = bridgePage(inspectorUrl);
  server.route('/inspect', (_req, res) => sendText(res, 'text/html', page));
  server.route('/inspect/events', (req, res) => {
    const replay = [...actors, ...snapshots.values(), ...recent.slice(-RECENT_EVENTS)];
    stream.open(
      req,
      res,
      replay.map((data) => ({ event: 'inspect', data })),
    );
  });
  return {
    url: `${server.url}/inspect`,
    inspect: thinInspection({ send: (event) => inspector.adapter.send(event) }),
    inspector,
    close: () => stream.close(),
  };
}

function bridgePage(inspectorUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nepi · Stately inspector</title>
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  p { margin: 0; padding: .4em .8em; background: #263238; color: #eceff1; font-size: .9em; }
  iframe { flex: 1; width: 100%; border: none; }
</style>
</head>
<body>
<p id="note">nepi relays this run to the Stately inspector at ${escapeHtml(inspectorUrl)}. If the frame stays empty, this browser cannot reach it: <code>nepi run --ui</code> shows the run without internet.</p>
<iframe id="inspector" src="${escapeHtml(inspectorUrl)}"></iframe>
<script>
  (function () {
    var frame = document.getElementById('inspector');
    var buffer = [], connected = false;
    window.addEventListener('message', function (e) {
      if (e.data && e.data.type === '@statelyai.connected') {
        connected = true;
        buffer.forEach(function (event) { frame.contentWindow.postMessage(event, '*'); });
        buffer.length = 0;
      }
    });
    var source = new EventSource('/inspect/events');
    source.addEventListener('inspect', function (e) {
      var event = JSON.parse(e.data);
      if (connected) frame.contentWindow.postMessage(event, '*');
      else buffer.push(event);
    });
  })();
</script>
</body>
</html>
`;
}
