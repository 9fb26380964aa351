import { afterEach, describe, expect, it } from 'vitest';
import { readTimeline } from '../../src/timeline/write.js';
import { renderTimelineSvg } from '../../src/timeline/svg.js';
import { FIXTURE_RECORDS, FIXTURE_STATE_CHANGES, fixtureRunDir } from './fixture.js';
import { byKind, parseXml } from './xml.js';

describe('the timeline SVG', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('draws one bar per state change, in the state entered, from that change to the next one', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const svg = parseXml(renderTimelineSvg(await readTimeline(dir)));
    const bars = byKind(svg, 'bar');
    expect(bars).toHaveLength(FIXTURE_STATE_CHANGES);

    const changes = FIXTURE_RECORDS.filter((record) => !('kind' in record)) as { guid: string; from: string; to: string; time: number }[];
    for (const guid of ['node', 'server', 'client']) {
      const mine = changes.filter((change) => change.guid === guid);
      const drawn = bars.filter((bar) => bar.attributes['data-guid'] === guid);
      expect(drawn.map((bar) => [bar.attributes['data-from'], bar.attributes['data-state']])).toEqual(mine.map((c) => [c.from, c.to]));
      // times are ms since the first record (1000); each bar ends where the next begins, the last at the end (4000)
      expect(drawn.map((bar) => Number(bar.attributes['data-start']))).toEqual(mine.map((c) => c.time - 1000));
      expect(drawn.map((bar) => Number(bar.attributes['data-end']))).toEqual([...mine.slice(1).map((c) => c.time - 1000), 3000]);
    }
  });

  it('sizes each bar by its duration on one time scale', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const svg = parseXml(renderTimelineSvg(await readTimeline(dir)));
    const scale = Number(svg.attributes['data-scale']);
    expect(scale).toBeGreaterThan(0);
    for (const bar of byKind(svg, 'bar')) {
      const duration = Number(bar.attributes['data-end']) - Number(bar.attributes['data-start']);
      expect(Number(bar.attributes['width'])).toBeCloseTo(duration * scale, 1);
      expect(bar.attributes['fill']).toMatch(/^#[0-9a-f]{6}$/);
    }
    const started = byKind(svg, 'bar').filter((bar) => bar.attributes['data-state'] === 'STARTED');
    expect(new Set(started.map((bar) => bar.attributes['fill'])).size).toBe(1);
  });

  it('skips a last line cut short by a crash', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const model = await readTimeline(dir);
    expect(model.stateChanges).toBe(FIXTURE_STATE_CHANGES);
    expect(model.end).toBe(4000);
  });
});
