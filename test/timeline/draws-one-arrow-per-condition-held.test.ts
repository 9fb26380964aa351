import { afterEach, describe, expect, it } from 'vitest';
import { readTimeline } from '../../src/timeline/write.js';
import { renderTimelineSvg } from '../../src/timeline/svg.js';
import { FIXTURE_HELD, fixtureRunDir } from './fixture.js';
import { byKind, parseXml } from './xml.js';

describe('condition arrows', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('draws one arrow per condition that held, from the member that completed the group to the action', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const svg = parseXml(renderTimelineSvg(await readTimeline(dir)));
    const arrows = byKind(svg, 'arrow');
    expect(arrows).toHaveLength(FIXTURE_HELD);

    const [start, stop] = arrows;
    // client START 500 ms after server STARTED: from server at +500 to client at +1000, released
    expect(start!.attributes).toMatchObject({
      'data-guid': 'client',
      'data-action': 'START',
      'data-from': 'server',
      'data-state': 'STARTED',
      'data-delay': '500',
      'data-t1': '500',
      'data-t2': '1000',
      'data-released': 'true',
      'marker-end': 'url(#nepi-arrowhead)',
    });
    expect(JSON.parse(start!.attributes['data-group']!)).toEqual(['server']);
    // node STOP after server and client FINISHED: server finished last; never released, ends at its deadline
    expect(stop!.attributes).toMatchObject({
      'data-guid': 'node',
      'data-action': 'STOP',
      'data-from': 'server',
      'data-t1': '2500',
      'data-t2': '3500',
      'data-released': 'false',
    });
    expect(stop!.attributes['class']).toContain('unreleased');
  });

  it('starts and ends each arrow on the rows of the resources it links', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const svg = parseXml(renderTimelineSvg(await readTimeline(dir)));
    const rowY = new Map<string, number>();
    const rows = svg.children.find((child) => child.attributes['class'] === 'rows')!.children.filter((g) => g.attributes['class'] === 'row');
    for (const row of rows) rowY.set(row.attributes['data-guid']!, Number(/translate\(0,([\d.]+)\)/.exec(row.attributes['transform']!)![1]));
    const rowHeight = Number(svg.attributes['data-row-height']);
    for (const arrow of byKind(svg, 'arrow')) {
      const numbers = arrow.attributes['d']!.match(/-?[\d.]+/g)!.map(Number);
      expect(numbers[1]).toBeCloseTo(rowY.get(arrow.attributes['data-from']!)! + rowHeight / 2, 1);
      expect(numbers[numbers.length - 1]).toBeCloseTo(rowY.get(arrow.attributes['data-guid']!)! + rowHeight / 2, 1);
    }
  });
});
