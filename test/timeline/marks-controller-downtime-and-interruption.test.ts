import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEventLog } from '../../src/run/event-log.js';
import { renderTimelineHtml } from '../../src/timeline/html.js';
import { renderTimelineSvg } from '../../src/timeline/svg.js';
import { readTimeline } from '../../src/timeline/write.js';
import { launchChromium } from '../ui/browser.js';
import { DOWN_MS, fixtureRunDir, resumedFixtureRecords, runDirWith } from './fixture.js';
import { byKind, findAll, parseXml, type XmlElement } from './xml.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function dirWith(records: readonly object[]): string {
  const { dir, cleanup } = runDirWith(records);
  cleanups.push(cleanup);
  return dir;
}

const textOf = (element: XmlElement, tag: string) => findAll(element, (e) => e.name === tag)[0]!.text;
const attr = (element: XmlElement, tag: string, name: string) => Number(findAll(element, (e) => e.name === tag)[0]!.attributes[name]);

describe('a resumed run on the timeline', () => {
  it('draws a hatched band from the last record before the controller died to the resume, labelled with its length', async () => {
    const svg = parseXml(renderTimelineSvg(await readTimeline(dirWith(resumedFixtureRecords()))));
    const [down, ...more] = byKind(svg, 'downtime');
    expect(more).toEqual([]);
    // times in ms since the first record (1000): the controller's last record at 1500, the resume 12.3 s later
    expect(down!.attributes).toMatchObject({ 'data-t1': '500', 'data-t2': String(500 + DOWN_MS), 'data-duration': String(DOWN_MS) });
    expect(textOf(down!, 'text')).toBe('controller down 12.3s');
    expect(textOf(down!, 'title')).toBe(
      'controller down 12.3s: no record from +500ms (the last one before the controller died) to +12.8s (nepi resume); it died some time in between',
    );
    expect(findAll(down!, (e) => e.name === 'rect')[0]!.attributes['class']).toBe('downtime-band');
    // on the bars' scale: the band starts where the server's STARTED bar starts (both at 1500) and is 12.3 s wide
    const scale = Number(svg.attributes['data-scale']);
    const started = byKind(svg, 'bar').find((bar) => bar.attributes['data-guid'] === 'server' && bar.attributes['data-state'] === 'STARTED')!;
    expect(attr(down!, 'rect', 'x')).toBeCloseTo(Number(started.attributes['x']), 1);
    expect(attr(down!, 'rect', 'width')).toBeCloseTo(DOWN_MS * scale, 1);
    // and as tall as the rows, under a label row of its own above the axis
    const top = Number(svg.attributes['data-top']);
    expect(top).toBe(78 + 18);
    expect(attr(down!, 'rect', 'y')).toBe(top - 6);
    expect(attr(down!, 'rect', 'y') + attr(down!, 'rect', 'height')).toBe(Number(svg.attributes['height']));
    expect(attr(down!, 'text', 'y')).toBeLessThan(top - 9 - 10); // above the tick labels
    const subtitle = findAll(svg, (e) => e.attributes['class'] === 'subtitle')[0]!.text;
    expect(subtitle).toMatch(/; controller down 12\.3s \(1 resume\); interrupted by SIGINT$/);
  });

  it('marks the interruption with a line where it happened, labelled with what interrupted it and listing what had not ended', async () => {
    const svg = parseXml(renderTimelineSvg(await readTimeline(dirWith(resumedFixtureRecords()))));
    const [interrupt, ...more] = byKind(svg, 'interrupt');
    expect(more).toEqual([]);
    expect(interrupt!.attributes).toMatchObject({ 'data-t': '14000', 'data-by': 'SIGINT', 'data-unfinished': '["server"]' });
    expect(textOf(interrupt!, 'text')).toBe('interrupted by SIGINT');
    expect(textOf(interrupt!, 'title')).toBe('interrupted by SIGINT at +14s; not ended: server (STARTED)');
    const chartLeft = Number(svg.attributes['data-chart-left']);
    const scale = Number(svg.attributes['data-scale']);
    expect(attr(interrupt!, 'line', 'x1')).toBeCloseTo(chartLeft + 14_000 * scale, 1);
    expect(attr(interrupt!, 'line', 'y2')).toBe(Number(svg.attributes['height']));
  });

  it('draws one band per resume, each from the last record before it (whatever its kind), and nothing for a run never resumed', async () => {
    const records = resumedFixtureRecords();
    // the resumed controller died too, after one try record, and a second resume took over 2 s later
    const lastTime = Math.max(...records.map((r) => (r as { time: number }).time));
    const attempt = {
      kind: 'try',
      wall: 'x',
      time: lastTime + 100,
      guid: 'node',
      type: 'dummy::Node',
      step: 'release',
      attempt: 1,
      attempts: 3,
      outcome: 'failed',
    };
    const again = { kind: 'resume', wall: 'y', time: lastTime + 2100, pid: 4343, lastRecorded: lastTime, states: {}, found: {} };
    const twice = [...records, attempt, again];
    expect(parseEventLog(twice.map((r) => JSON.stringify(r)).join('\n')).resumes).toEqual([
      { time: 1500 + DOWN_MS, lastRecord: 1500 },
      { time: lastTime + 2100, lastRecord: lastTime + 100 },
    ]);
    const model = await readTimeline(dirWith(twice));
    expect(model.downtimes).toEqual([
      { from: 1500, to: 1500 + DOWN_MS },
      { from: lastTime + 100, to: lastTime + 2100 },
    ]);
    expect(model.end).toBe(lastTime + 2100); // the run lasts until its last resume at least
    const svg = parseXml(renderTimelineSvg(model));
    expect(byKind(svg, 'downtime').map((d) => textOf(d, 'text'))).toEqual(['controller down 12.3s', 'controller down 2s']);

    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const plain = parseXml(renderTimelineSvg(await readTimeline(dir)));
    expect(byKind(plain, 'downtime')).toEqual([]);
    expect(byKind(plain, 'interrupt')).toEqual([]);
    expect(plain.attributes['data-top']).toBe('78');
  });

  it('timeline.html moves the marks with the zoom and stretches them with the rows shown', async () => {
    const dir = dirWith(resumedFixtureRecords());
    const file = join(dir, 'timeline.html');
    writeFileSync(file, renderTimelineHtml(await readTimeline(dir)));
    const browser = await launchChromium({ width: 1200, height: 600 });
    try {
      const page = await browser.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(pathToFileURL(file).href);
      const band = () => page.$eval('[data-kind=downtime] rect', (r) => ['x', 'width', 'height'].map((a) => Number(r.getAttribute(a))));
      const line = () => page.$eval('[data-kind=interrupt] line', (l) => ['x1', 'y2'].map((a) => Number(l.getAttribute(a))));
      const bar = () => page.$eval('rect[data-guid="server"][data-state="STARTED"]', (r) => Number(r.getAttribute('x')));
      const [x, width, height] = await band();
      const [lineX] = await line();
      await page.click('#zoom-in');
      await page.click('#zoom-in');
      const [x2, width2] = await band();
      expect(width2).toBeCloseTo(width! * 2.25, 0);
      expect(x2).toBeCloseTo(await bar(), 1); // still where the server started
      expect(x2).not.toBeCloseTo(x!, 0);
      expect((await line())[0]).toBeGreaterThan(lineX!);
      // folding the applications' rows makes the chart shorter: the band and the line follow
      await page.click('g.group-header[data-type="dummy::Application"]');
      const [, , shorter] = await band();
      expect(shorter).toBeLessThan(height!);
      expect((await line())[1]).toBe(Number(await page.$eval('svg.nepi-timeline', (s) => s.getAttribute('height'))));
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
