import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';
import { FIXTURE_HELD, FIXTURE_STATE_CHANGES, fixtureRunDir } from './fixture.js';
import { byKind, parseXml } from './xml.js';

describe('nepi timeline RUN_DIR', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('writes timeline.html and timeline.svg into the run directory, from an event log with a torn last line', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const result = await nepi(['timeline', dir]);
    expect(result.code, result.stderr).toBe(0);
    const svg = parseXml(readFileSync(join(dir, 'timeline.svg'), 'utf8'));
    expect(byKind(svg, 'bar')).toHaveLength(FIXTURE_STATE_CHANGES);
    expect(byKind(svg, 'arrow')).toHaveLength(FIXTURE_HELD);
    expect(readFileSync(join(dir, 'timeline.html'), 'utf8')).toContain('<svg');
  });

  it('writes only the file -o names, as SVG or HTML by its extension', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const out = mkdtempSync(join(tmpdir(), 'nepi-timeline-out-'));
    cleanups.push(() => rmSync(out, { recursive: true, force: true }));
    const svgResult = await nepi(['timeline', dir, '-o', join(out, 'run.svg')]);
    expect(svgResult.code, svgResult.stderr).toBe(0);
    expect(readFileSync(join(out, 'run.svg'), 'utf8')).toMatch(/^<svg /);
    const htmlResult = await nepi(['timeline', dir, '--output', join(out, 'run.html')]);
    expect(htmlResult.code, htmlResult.stderr).toBe(0);
    expect(readFileSync(join(out, 'run.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(existsSync(join(dir, 'timeline.svg'))).toBe(false);
  });

  it('exits with 2 for a file name it cannot write to, or a directory that is not a run', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const png = await nepi(['timeline', dir, '-o', join(dir, 'run.png')]);
    expect(png.code).toBe(2);
    expect(png.stderr).toContain("cannot write a timeline to '");
    expect(png.stderr).toContain('expected a file name ending in .html or .svg');
    const empty = mkdtempSync(join(tmpdir(), 'nepi-not-a-run-'));
    cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
    const notRun = await nepi(['timeline', empty]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toContain('is not a run directory');
    const missing = join(dir, 'no-such-folder', 'run.svg');
    const unwritable = await nepi(['timeline', dir, '-o', missing]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toBe(`nepi: cannot write '${missing}': its folder does not exist\n`);
  });

  it('skips records that lack what it draws, and draws the rest', async () => {
    const { dir, cleanup } = fixtureRunDir();
    cleanups.push(cleanup);
    const events = join(dir, 'events.ndjson');
    const junk = ['{"wall":1}', '{"guid":"x","from":"NEW","to":"READY","time":"soon"}', '{"kind":"condition","guid":"x","event":"held","time":5}'];
    writeFileSync(events, `${junk.join('\n')}\n${readFileSync(events, 'utf8')}`);
    const result = await nepi(['timeline', dir]);
    expect(result.code, result.stderr).toBe(0);
    const svg = parseXml(readFileSync(join(dir, 'timeline.svg'), 'utf8'));
    expect(byKind(svg, 'bar')).toHaveLength(FIXTURE_STATE_CHANGES);
    expect(byKind(svg, 'arrow')).toHaveLength(FIXTURE_HELD);
  });
});
