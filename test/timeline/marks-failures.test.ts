import { afterEach, describe, expect, it } from 'vitest';
import { readTimeline } from '../../src/timeline/write.js';
import { renderTimelineSvg } from '../../src/timeline/svg.js';
import { fixtureRunDir } from './fixture.js';
import { byKind, findAll, parseXml } from './xml.js';

describe('failures on the timeline', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('marks each failure where it happened, with its step and cause', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const svg = parseXml(renderTimelineSvg(await readTimeline(dir)));
    const failures = byKind(svg, 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.attributes).toMatchObject({ 'data-guid': 'client', 'data-step': 'run', 'data-t': '1500' });
    const title = findAll(failures[0]!, (element) => element.name === 'title')[0]!;
    expect(title.text).toBe('client failed at run: boom: exit code 3');
    const failed = byKind(svg, 'bar').filter((bar) => bar.attributes['data-state'] === 'FAILED');
    expect(failed.map((bar) => bar.attributes['data-guid'])).toEqual(['client']);
    expect(failed[0]!.attributes['fill']).not.toBe(byKind(svg, 'bar').find((bar) => bar.attributes['data-state'] === 'FINISHED')!.attributes['fill']);
  });
});
