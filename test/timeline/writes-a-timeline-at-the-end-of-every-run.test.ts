import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInVirtualTime } from '../../src/testing/index.js';
import { AUTO_TIMELINE_MAX_RESOURCES, writeRunTimeline } from '../../src/timeline/write.js';
import { nepi } from '../cli/cli.js';
import { byKind, parseXml } from './xml.js';

/** What events.ndjson holds: state changes and `held` condition records. */
function recorded(runDir: string): { states: number; held: number } {
  const lines = readFileSync(join(runDir, 'events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind?: string; event?: string });
  return {
    states: lines.filter((line) => line.kind === undefined).length,
    held: lines.filter((line) => line.kind === 'condition' && line.event === 'held').length,
  };
}

function drawn(file: string) {
  const text = readFileSync(file, 'utf8');
  const svg = parseXml(file.endsWith('.html') ? text.slice(text.indexOf('<svg'), text.indexOf('</svg>') + 6) : text);
  return { bars: byKind(svg, 'bar').length, arrows: byKind(svg, 'arrow').length, failures: byKind(svg, 'failure').length };
}

describe('the timeline of a run', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'nepi-timeline-run-'));
    dirs.push(dir);
    return dir;
  };

  it('is written into the run directory when a library run shuts down', async () => {
    const localDir = tempDir();
    const { ec } = await runInVirtualTime(
      (ec) => {
        const node = ec.registerResource('dummy::Node', { provisionTime: '1s' }, { name: 'node' });
        const server = ec.registerResource('dummy::Application', { deployTime: '500ms', runTime: '5s' }, { name: 'server' });
        const client = ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'client' });
        const flaky = ec.registerResource('dummy::Application', { runTime: '1s', failAt: 'run', critical: false }, { name: 'flaky' });
        for (const app of [server, client, flaky]) ec.registerConnection(node, app);
        ec.registerCondition(client, 'START', server, 'STARTED', '2s');
        ec.registerCondition(flaky, 'START', [server, client], 'STARTED');
      },
      { record: true, localDir, expId: 'timeline' },
    );
    const { states, held } = recorded(ec.runDir);
    expect(held).toBe(2);
    for (const file of ['timeline.svg', 'timeline.html']) {
      expect(drawn(join(ec.runDir, file))).toEqual({ bars: states, arrows: held, failures: 1 });
    }
  });

  it('is not written when the run is not recorded', async () => {
    const localDir = tempDir();
    const { ec } = await runInVirtualTime((ec) => void ec.registerResource('dummy::Node', {}, { name: 'node' }), { localDir });
    expect(existsSync(join(ec.runDir, 'timeline.svg'))).toBe(false);
  });

  it('is left to `nepi timeline` when the run has more resources than the end of a run draws', async () => {
    const runDir = tempDir();
    const line = (i: number) => JSON.stringify({ wall: '', time: i, guid: `r${i}`, name: `r${i}`, type: 'dummy::Node', from: 'NEW', to: 'DISCOVERED' });
    const many = Array.from({ length: AUTO_TIMELINE_MAX_RESOURCES + 1 }, (_, i) => line(i));
    writeFileSync(join(runDir, 'events.ndjson'), `${many.join('\n')}\n`);
    await writeRunTimeline(runDir);
    expect(existsSync(join(runDir, 'timeline.svg'))).toBe(false);
    writeFileSync(join(runDir, 'events.ndjson'), `${many.slice(1).join('\n')}\n`);
    await writeRunTimeline(runDir);
    expect(existsSync(join(runDir, 'timeline.svg'))).toBe(true);
  });

  it('is written by `nepi run`, and `nepi timeline` rebuilds the same from events.ndjson', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'exp.yaml'),
      [
        'expId: cli-timeline',
        'resources:',
        '  node: { type: dummy::Node, attributes: { provisionTime: 50ms } }',
        '  server: { type: dummy::Application, connect: [node], attributes: { runTime: 400ms } }',
        '  client:',
        '    type: dummy::Application',
        '    connect: [node]',
        '    attributes: { runTime: 100ms }',
        '    conditions: [{ action: START, group: [server], state: STARTED, time: 100ms }]',
      ].join('\n'),
    );
    const run = await nepi(['run', 'exp.yaml'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const [runId] = readdirSync(join(cwd, 'nepi-runs', 'cli-timeline'));
    const runDir = join(cwd, 'nepi-runs', 'cli-timeline', runId!);
    const { states, held } = recorded(runDir);
    expect(held).toBe(1);
    expect(drawn(join(runDir, 'timeline.svg'))).toEqual({ bars: states, arrows: 1, failures: 0 });
    const before = readFileSync(join(runDir, 'timeline.svg'), 'utf8');

    rmSync(join(runDir, 'timeline.svg'));
    rmSync(join(runDir, 'timeline.html'));
    const rebuilt = await nepi(['timeline', runDir], { cwd });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout.trim().split('\n')).toEqual([join(runDir, 'timeline.html'), join(runDir, 'timeline.svg')]);
    expect(readFileSync(join(runDir, 'timeline.svg'), 'utf8')).toBe(before);
    expect(drawn(join(runDir, 'timeline.html'))).toEqual({ bars: states, arrows: 1, failures: 0 });
  });
});
