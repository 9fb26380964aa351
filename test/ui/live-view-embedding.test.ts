/**
 * The live view and the inspector page framed by a page of another origin, as an app that
 * embeds nepi would: nepi's server sets no header that forbids framing, and gives no CORS
 * header either (the frame reads the run; the embedding page cannot read it directly).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ExperimentController, serveLiveView } from '../../src/index.js';
import { runInVirtualTime } from '../../src/testing/index.js';
import { serveStatelyBridge } from '../../src/ui/inspection/stately-bridge.js';
import type { LiveView } from '../../src/ui/live-view.js';
import { launchChromium, type HeadlessBrowser } from './browser.js';

function build(ec: ExperimentController): void {
  const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
  const server = ec.registerResource('dummy::Application', { runTime: '2s' }, { name: 'server' });
  ec.registerConnection(server, node);
}

/** A page on another origin (another port) that frames `src`. */
async function embeddingPage(src: string): Promise<{ url: string; close(): Promise<void> }> {
  const html = `<!doctype html><title>an app</title><h1>an app</h1><iframe src="${src}" width="1000" height="800"></iframe>`;
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let browser: HeadlessBrowser | undefined;
let view: LiveView | undefined;
let host: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await browser?.close();
  await view?.close();
  await host?.close();
  browser = view = host = undefined;
});

describe('embedding the live view', () => {
  it('is served without X-Frame-Options or a CSP, and shows the run inside a frame of another origin', async () => {
    browser = await launchChromium(); // first: on a loaded machine it takes seconds
    const { ec } = await runInVirtualTime(async (ec) => {
      build(ec);
      view = await serveLiveView(ec);
    });
    view!.end({ status: ec.status });
    const bridge = serveStatelyBridge(view!.server, 'http://127.0.0.1:9/inspect');

    for (const url of [view!.url, bridge.url]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-frame-options'), url).toBeNull();
      expect(response.headers.get('content-security-policy'), url).toBeNull();
      expect(response.headers.get('access-control-allow-origin'), url).toBeNull();
    }

    const app = await embeddingPage(view!.url);
    host = app;
    const page = await browser.browser.newPage();
    await page.goto(app.url);
    const frame = page.frameLocator('iframe');
    for (const guid of ['node', 'server']) {
      await frame.locator(`#resources tr[data-guid="${guid}"][data-state="RELEASED"]`).waitFor({ timeout: 15_000 });
    }
    // the embedding page, of another origin, cannot read the run's stream itself: no CORS
    const direct = await page.evaluate(
      (events) =>
        new Promise<string>((resolve) => {
          const source = new EventSource(events);
          source.onopen = () => (source.close(), resolve('open'));
          source.onerror = () => (source.close(), resolve('error'));
        }),
      `${view!.url}events`,
    );
    expect(direct).toBe('error');
    bridge.close();
  });
});
