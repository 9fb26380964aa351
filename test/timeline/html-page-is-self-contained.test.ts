import { afterEach, describe, expect, it } from 'vitest';
import { renderTimelineHtml } from '../../src/timeline/html.js';
import { readTimeline } from '../../src/timeline/write.js';
import { FIXTURE_HELD, FIXTURE_STATE_CHANGES, fixtureRunDir } from './fixture.js';
import { byKind, parseXml } from './xml.js';

describe('timeline.html', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('holds the SVG, its style and its zoom script inline, and loads nothing from elsewhere', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const html = renderTimelineHtml(await readTimeline(dir));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(http/i);
    expect(html).toContain('<script>');
    expect(html).toContain('id="zoom-in"');
    const svg = parseXml(html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6));
    expect(byKind(svg, 'bar')).toHaveLength(FIXTURE_STATE_CHANGES);
    expect(byKind(svg, 'arrow')).toHaveLength(FIXTURE_HELD);
  });
});
