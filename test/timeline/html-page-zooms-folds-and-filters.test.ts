import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTimelineHtml } from '../../src/timeline/html.js';
import { readTimeline } from '../../src/timeline/write.js';
import { launchChromium, type HeadlessBrowser } from '../ui/browser.js';
import { fixtureRunDir } from './fixture.js';

// Debian's chromium (installed by test/support/system-packages.sh), headless, with the flags
// this closed network needs
let browser: HeadlessBrowser | undefined;
let page: Page;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  browser = await launchChromium({ width: 1200, height: 600 });
  const { dir, cleanup } = fixtureRunDir();
  cleanups.push(cleanup);
  const file = join(dir, 'timeline.html');
  writeFileSync(file, renderTimelineHtml(await readTimeline(dir)));
  page = await browser.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(pathToFileURL(file).href);
  expect(errors).toEqual([]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

const barWidth = (guid: string, state: string) => page.$eval(`rect[data-guid="${guid}"][data-state="${state}"]`, (bar) => Number(bar.getAttribute('width')));
const rowShown = (guid: string) =>
  page.$eval(`g.row[data-guid="${guid}"]`, (row) => (row as unknown as { style: { display: string } }).style.display !== 'none');

describe('timeline.html in a browser', () => {
  it('zooms the time axis: bars widen, ticks are recomputed, arrows follow', async () => {
    const before = await barWidth('server', 'STARTED');
    const ticksBefore = await page.$$eval('g.axis g.tick', (ticks) => ticks.map((t) => t.getAttribute('data-t')));
    const arrowBefore = await page.$eval('path[data-kind=arrow]', (a) => a.getAttribute('d'));
    await page.click('#zoom-in');
    await page.click('#zoom-in');
    expect(await page.textContent('#zoom-level')).toBe('225%');
    expect(await barWidth('server', 'STARTED')).toBeCloseTo(before * 2.25, 0);
    const ticksAfter = await page.$$eval('g.axis g.tick', (ticks) => ticks.map((t) => t.getAttribute('data-t')));
    expect(ticksAfter.length).toBeGreaterThan(ticksBefore.length);
    expect(await page.$eval('path[data-kind=arrow]', (a) => a.getAttribute('d'))).not.toBe(arrowBefore);
    await page.click('#zoom-fit');
    expect(await barWidth('server', 'STARTED')).toBeLessThan(before * 2.25);
  });

  it('folds the rows of a type when its header is clicked, and a filter keeps matching names', async () => {
    expect(await rowShown('server')).toBe(true);
    await page.click('text.group-label[data-type="dummy::Application"]');
    expect(await rowShown('server')).toBe(false);
    expect(await rowShown('client')).toBe(false);
    expect(await rowShown('node')).toBe(true);
    // an arrow to a hidden row is hidden too
    expect(await page.$$eval('path[data-kind=arrow]', (arrows) => arrows.map((a) => (a as unknown as { style: { display: string } }).style.display))).toEqual([
      'none',
      'none',
    ]);
    await page.click('text.group-label[data-type="dummy::Application"]');
    expect(await rowShown('server')).toBe(true);

    await page.fill('#filter', 'cli');
    expect(await rowShown('client')).toBe(true);
    expect(await rowShown('server')).toBe(false);
    await page.fill('#filter', '');
    expect(await rowShown('server')).toBe(true);
  });
});
