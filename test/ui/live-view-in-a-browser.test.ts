import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../cli/cli.js';
import { launchChromium, type HeadlessBrowser } from './browser.js';
import { graphGeometry, outside, overlaps } from './graph-geometry.js';

/** Screenshots kept after the test (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

const EXPERIMENT = `
expId: live-view
resources:
  node: { type: linux::Node }
  server:
    type: linux::Application
    connect: [node]
    attributes: { command: "sleep 6" }
  client:
    type: linux::Application
    connect: [node]
    attributes: { command: "sleep 0.5" }
    conditions:
      - { action: START, group: [server], state: STARTED, time: 4s }
  probe:
    type: linux::Application
    connect: [node]
    attributes: { critical: false, command: "sleep 1; echo 'probe: no route to host 10.0.0.9' >&2; exit 2" }
`;

let dir: string;
let browser: HeadlessBrowser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('nepi run --ui in a browser', () => {
  it('shows the run live: states, a waiting condition, the failure and its cause, then every resource RELEASED', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-ui-'));
    const file = join(dir, 'live.yaml');
    writeFileSync(file, EXPERIMENT);
    browser = await launchChromium(); // first: on a loaded machine it takes seconds
    const page = await browser.browser.newPage();
    const child = spawn(process.execPath, [BIN, 'run', file, '--ui', '--local-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.on('close', () => reject(new Error(`nepi exited before serving: ${stdout}${stderr}`)));
      });

      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(url);

      // live: while the server runs, the client waits on it, then its delay counts down
      await page.locator('#conditions li[data-status="held"], #conditions li[data-status="waiting"]').first().waitFor({ timeout: 10_000 });
      const waiting = await page.locator('#conditions li').first().textContent();
      expect(waiting).toMatch(/START client after server STARTED \+ 4\.00 s/);
      expect(waiting).toMatch(/held; fires in|waiting on server/);
      await page.locator('#resources tr[data-guid="server"][data-state="STARTED"]').waitFor({ timeout: 10_000 });
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'live-view-running.png'), fullPage: true });

      // the failure, with its cause, while the others go on (probe is not critical)
      const failure = page.locator('#failures li.failure[data-guid="probe"]');
      await failure.waitFor({ timeout: 15_000 });
      expect(await failure.textContent()).toMatch(/probe \(linux::Application\) failed at run.*no route to host 10\.0\.0\.9/s);
      await page.screenshot({ path: join(ARTIFACTS, 'live-view-failure.png'), fullPage: true }); // docs/images/live-view.png

      // the end: every resource reached its final state, in the table and in the graph
      await page.locator('#status', { hasText: 'finished' }).waitFor({ timeout: 20_000 });
      for (const guid of ['node', 'server', 'client', 'probe']) {
        expect(await page.locator(`#resources tr[data-guid="${guid}"]`).getAttribute('data-state')).toBe('RELEASED');
        expect(await page.locator(`#graph g.node[data-guid="${guid}"]`).getAttribute('data-state')).toBe('RELEASED');
      }
      expect(await page.locator('#status').textContent()).toBe('released (finished)');
      expect(await page.locator('#conditions li[data-status="fired"]').count()).toBe(1);
      // Graphviz's layout: connections and condition arrows are splines, boxes do not overlap
      const connections = await page
        .locator('#graph path.connection')
        .evaluateAll((paths) => paths.map((p) => [p.dataset['from'], p.dataset['to'], p.getAttribute('d')]));
      expect(connections.map(([from, to]) => `${from}-${to}`).sort()).toEqual(['node-client', 'node-probe', 'node-server']);
      const arrows = page.locator('#graph path.condition-arrow[data-from="server"][data-to="client"]');
      expect(await arrows.count()).toBe(1);
      expect(await arrows.getAttribute('data-status')).toBe('fired');
      for (const d of [...connections.map(([, , path]) => path), await arrows.getAttribute('d')]) expect(d).toMatch(/^M[\d.,-]+C/);
      const geometry = await graphGeometry(page);
      expect(geometry.boxes.map((b) => b.guid)).toEqual(['node', 'server', 'client', 'probe']);
      expect(overlaps(geometry.boxes)).toEqual([]);
      expect(outside(geometry)).toEqual([]);
      // dependencies first, left to right: the node left of its applications
      const [node, ...apps] = geometry.boxes;
      for (const app of apps) expect(app.left).toBeGreaterThanOrEqual(node!.right);
      expect(await page.locator('#timeline rect.bar[data-guid="probe"][data-state="FAILED"]').count()).toBe(1);
      expect(await page.locator('#log').textContent()).toContain('client  READY -> STARTED');

      await page.screenshot({ path: join(ARTIFACTS, 'live-view.png'), fullPage: true });

      // everything came from nepi's server: the page, its script and one event stream, no polling
      const paths = requests.map((r) => new URL(r).pathname);
      expect(requests.every((r) => r.startsWith(url))).toBe(true);
      expect(paths.filter((p) => p === '/events')).toHaveLength(1);
      expect(new Set(paths)).toEqual(new Set(['/', '/live-view.js', '/events']));

      // a page opened well after the end shows the run's own times: its length, not the time since
      const ended = await page.locator('#elapsed').textContent();
      const runFor = await page.locator('#resources td[data-since]').allTextContents();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const late = await browser.browser.newPage();
      await late.goto(url);
      await late.locator('#status', { hasText: 'finished' }).waitFor({ timeout: 10_000 });
      expect(await late.locator('#elapsed').textContent()).toBe(ended);
      expect(await late.locator('#resources td[data-since]').allTextContents()).toEqual(runFor);
      expect(await page.locator('#elapsed').textContent()).toBe(ended);
      await late.close();

      // still served after the end, until Ctrl-C
      expect(stdout).toContain('still serving');
      expect(child.exitCode).toBeNull();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
  }, 60_000);
});
