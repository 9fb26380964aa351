import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/run/event-record.js';
import { renderTimelineHtml } from '../../src/timeline/html.js';
import { buildTimeline } from '../../src/timeline/model.js';
import { renderTimelineSvg } from '../../src/timeline/svg.js';
import { byKind, findAll, parseXml } from './xml.js';

const LIFECYCLE = ['NEW', 'DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'FINISHED', 'RELEASED'];

/** `nodes` nodes, each followed by its `apps` applications, as a run records them: interleaved by type. */
function bigRun(nodes: number, apps: number): EventRecord[] {
  const events: EventRecord[] = [];
  let t = 0;
  for (let n = 0; n < nodes; n++) {
    const resources = [[`node${n}`, 'dummy::Node'], ...Array.from({ length: apps }, (_, a) => [`app${n}-${a}`, 'dummy::Application'])];
    for (const [guid, type] of resources) {
      for (let s = 1; s < LIFECYCLE.length; s++) {
        events.push({ wall: '', time: (t += 3), guid: guid!, name: guid!, type, from: LIFECYCLE[s - 1]!, to: LIFECYCLE[s]! });
      }
    }
  }
  return events;
}

describe('a timeline of many resources', () => {
  it('groups rows by type under one header each, in the order types first appear', () => {
    const svg = parseXml(renderTimelineSvg(buildTimeline({ events: bigRun(3, 2) })));
    const rows = svg.children.find((child) => child.attributes['class'] === 'rows')!.children;
    expect(rows.map((g) => g.attributes['data-guid'] ?? `[${g.attributes['data-type']}]`)).toEqual([
      '[dummy::Node]',
      'node0',
      'node1',
      'node2',
      '[dummy::Application]',
      'app0-0',
      'app0-1',
      'app1-0',
      'app1-1',
      'app2-0',
      'app2-1',
    ]);
    const names = findAll(svg, (e) => e.attributes['class'] === 'group-label');
    expect(names.map((e) => e.text)).toEqual(['dummy::Node (3)', 'dummy::Application (6)']);
  });

  it('stays drawable for 1,000 resources: thin rows, every bar, one label each, drawn quickly', () => {
    const events = bigRun(20, 49); // 1,000 resources, 6,000 state changes
    const started = performance.now();
    const model = buildTimeline({ events });
    const svgText = renderTimelineSvg(model);
    const html = renderTimelineHtml(model);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(5_000); // about 100 ms here; generous for a loaded machine

    const svg = parseXml(svgText);
    expect(byKind(svg, 'bar')).toHaveLength(6_000);
    expect(findAll(svg, (e) => e.attributes['class'] === 'label')).toHaveLength(1_000);
    expect(Number(svg.attributes['data-row-height'])).toBeLessThanOrEqual(10);
    // one screen wide, about 10 px a row: the whole fits in a scrollable page
    expect(Number(svg.attributes['height'])).toBeLessThan(12_000);
    expect(Number(svg.attributes['width'])).toBeLessThan(1_600);
    expect(html.length).toBeLessThan(5 * svgText.length);
  });
});
