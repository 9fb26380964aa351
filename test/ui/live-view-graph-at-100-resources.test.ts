/**
 * The live view's graph stays readable at 100 resources: 10 nodes with 9 applications each (a
 * server and 8 clients that start after a server, some of them after the next node's), run on
 * the dummy backend with --ui and looked at in Chromium. From the page's DOM: no two boxes
 * overlap, every box is inside the graph area (scrolling it), at its full size, and nothing is
 * drawn over it; every connection and condition is a spline that runs through no other box.
 * The screenshots stay in test/artifacts/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../cli/cli.js';
import { launchChromium, type HeadlessBrowser } from './browser.js';
import { graphGeometry, outside, overlaps, type Box } from './graph-geometry.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const NODES = 10;
const CLIENTS = 8;

/** 10 nodes x (1 server + 8 clients): clients 1-6 start after their node's server, 7 and 8 after the next node's. */
function experiment(): { yaml: string; guids: string[]; connections: number; arrows: number } {
  const lines = ['expId: graph-100', 'resources:'];
  const guids: string[] = [];
  let arrows = 0;
  for (let i = 0; i < NODES; i++) {
    guids.push(`node${i}`, `server${i}`);
    lines.push(`  node${i}: { type: dummy::Node, attributes: { provisionTime: ${100 + 20 * i}ms } }`);
    lines.push(`  server${i}: { type: dummy::Application, connect: [node${i}], attributes: { runTime: 3s } }`);
    for (let k = 1; k <= CLIENTS; k++) {
      const server = k > 6 && i + 1 < NODES ? `server${i + 1}` : `server${i}`;
      guids.push(`client${i}-${k}`);
      lines.push(
        `  client${i}-${k}:`,
        `    type: dummy::Application`,
        `    connect: [node${i}]`,
        `    attributes: { runTime: ${500 + 100 * k}ms }`,
        `    conditions: [{ action: START, group: [${server}], state: STARTED, time: ${100 * k}ms }]`,
      );
      arrows++;
    }
  }
  return { yaml: `${lines.join('\n')}\n`, guids, connections: NODES * CLIENTS + NODES, arrows };
}

/** Every box once scrolled into view: is the element at its centre part of it (nothing drawn over it)? */
async function coveredBoxes(page: Page): Promise<string[]> {
  return page.locator('#graph').evaluate((area) => {
    const covered: string[] = [];
    for (const node of area.querySelectorAll('g.node')) {
      const rect = node.querySelector('rect')!;
      rect.scrollIntoView({ block: 'center', inline: 'center' });
      const r = rect.getBoundingClientRect();
      const top = area.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!top || !node.contains(top)) covered.push(node.getAttribute('data-guid'));
    }
    area.scrollTo(0, 0);
    return covered;
  });
}

/**
 * Edges that run through a box other than their two ends: points every 4 px along each path,
 * against each box shrunk by 2 px (an edge may touch a box's border where it leaves or arrives).
 */
async function edgesThroughBoxes(page: Page): Promise<string[]> {
  return page.locator('#graph svg').evaluate((svg) => {
    const boxes = [...svg.querySelectorAll('g.node')].map((node) => {
      const rect = node.querySelector('rect')!;
      const [x, y] = /translate\(([\d.]+),([\d.]+)\)/.exec(node.getAttribute('transform'))!.slice(1).map(Number) as [number, number];
      return { guid: node.getAttribute('data-guid')!, x, y, width: Number(rect.getAttribute('width')), height: Number(rect.getAttribute('height')) };
    });
    const through: string[] = [];
    for (const path of svg.querySelectorAll('path.connection, path.condition-arrow')) {
      const p = path as unknown as { getTotalLength(): number; getPointAtLength(at: number): { x: number; y: number } };
      const from = path.getAttribute('data-from');
      const to = path.getAttribute('data-to');
      const length = p.getTotalLength();
      for (let at = 0; at <= length; at += 4) {
        const { x, y } = p.getPointAtLength(at);
        const hit = boxes.find((b) => b.guid !== from && b.guid !== to && x > b.x + 2 && x < b.x + b.width - 2 && y > b.y + 2 && y < b.y + b.height - 2);
        if (hit) {
          through.push(`${path.getAttribute('class')} ${from} -> ${to} through ${hit.guid}`);
          break;
        }
      }
    }
    return through;
  });
}

let dir: string;
let browser: HeadlessBrowser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the live view graph at 100 resources', () => {
  it('lays 100 boxes out without overlaps, all inside the graph area, edges around them, coloured live', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nepi-ui-100-'));
    const { yaml, guids, connections, arrows } = experiment();
    expect(guids).toHaveLength(100);
    const file = join(dir, 'graph-100.yaml');
    writeFileSync(file, yaml);
    browser = await launchChromium({ width: 1280, height: 1000 });
    const page = await browser.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
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
      await page.goto(url);
      await page.locator('#graph g.node').nth(99).waitFor({ timeout: 10_000 });

      // while it runs: the boxes take the states as they come
      await page.locator('#graph g.node[data-state="STARTED"]').first().waitFor({ timeout: 15_000 });
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'live-view-100-running.png') });

      const geometry = await graphGeometry(page);
      expect([...geometry.boxes.map((b) => b.guid)].sort()).toEqual([...guids].sort());
      expect(overlaps(geometry.boxes)).toEqual([]);
      expect(outside(geometry)).toEqual([]);
      // drawn at full size (120 x 44 px: the name and state readable), not shrunk to fit
      const size = (b: Box) => [Math.round(b.right - b.left), Math.round(b.bottom - b.top)];
      expect(new Set(geometry.boxes.map((b) => size(b).join('x')))).toEqual(new Set(['120x44']));
      // the graph area scrolls rather than growing past the window, and shows a good part of it at once
      expect(geometry.area.clientHeight).toBeLessThanOrEqual(1000);
      expect(geometry.area.clientWidth).toBeGreaterThan(1000);
      expect(await coveredBoxes(page)).toEqual([]);

      // Graphviz's splines, from dependency to dependent and from the member waited for to the one that waits
      expect(await page.locator('#graph path.connection').count()).toBe(connections);
      expect(await page.locator('#graph path.condition-arrow').count()).toBe(arrows);
      const curves = await page.locator('#graph path.connection, #graph path.condition-arrow').evaluateAll((paths) => paths.map((p) => p.getAttribute('d')));
      expect(curves.filter((d) => !/^M[\d.,]+C/.test(d ?? ''))).toEqual([]);
      expect(await edgesThroughBoxes(page)).toEqual([]);

      // the end: all 100 boxes RELEASED, the condition arrows faded as fired
      await page.locator('#status', { hasText: 'finished' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#graph g.node[data-state="RELEASED"]').count()).toBe(100);
      expect(await page.locator('#graph path.condition-arrow[data-status="fired"]').count()).toBe(arrows);
      await page.screenshot({ path: join(ARTIFACTS, 'live-view-100.png') });
      // the whole graph, unscrolled, for a person to look at
      await page.addStyleTag({ content: '#graph { max-height: none !important; overflow: visible !important; }' });
      await page.locator('#graph svg').screenshot({ path: join(ARTIFACTS, 'live-view-100-graph.png') });
      expect(errors).toEqual([]);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
  }, 90_000);
});
