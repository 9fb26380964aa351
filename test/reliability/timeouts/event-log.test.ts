import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentController, readRun } from '../../../src/index.js';
import { parseEventLog } from '../../../src/run/event-log.js';
import { RunDirectory } from '../../../src/run/run-directory.js';
import { VirtualClock } from '../../../src/testing/index.js';
import { settle } from '../../helpers.js';
import { FlakyNode } from './types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nepi-event-log-'));
  dirs.push(dir);
  return dir;
}

/** A real event log: state changes, condition records and tries. */
async function recordedRun(): Promise<string> {
  const clock = new VirtualClock();
  const ec = new ExperimentController({ clock, localDir: tempDir(), expId: 'log' });
  const a = ec.registerResource(FlakyNode, { failures: 2, retries: 2, retryDelay: 100 }, { name: 'a' });
  const b = ec.registerResource('dummy::Node', { runTime: '1s' }, { name: 'b' });
  ec.registerCondition(b, 'START', a, 'STARTED', '1s');
  ec.deploy();
  await clock.runAll();
  await settle(clock, ec.shutdown());
  return ec.runDir;
}

describe('events.ndjson', () => {
  it('reads state changes, condition records and tries back, each kind apart', async () => {
    const runDir = await recordedRun();
    const run = await readRun(runDir);
    expect(run.summary?.status).toBe('released');
    expect(run.events.every((event) => !('kind' in event))).toBe(true);
    expect(run.events.filter((event) => event.guid === 'b').map((event) => event.to)).toEqual([
      'DISCOVERED',
      'PROVISIONED',
      'READY',
      'STARTED',
      'FINISHED',
      'RELEASED',
    ]);
    expect(run.tries.map((t) => [t.guid, t.step, t.attempt, t.outcome])).toEqual([
      ['a', 'deploy', 1, 'failed'],
      ['a', 'deploy', 2, 'failed'],
      ['a', 'deploy', 3, 'ok'],
    ]);
    expect(run.conditions.map((c) => c.event)).toEqual(['held', 'fired']);
  });

  it('skips a torn last line and lines of a kind it does not know, whatever the byte the log was cut at', async () => {
    const runDir = await recordedRun();
    const text = readFileSync(join(runDir, 'events.ndjson'), 'utf8');
    const whole = parseEventLog(text);
    expect(whole.unreadable).toBe(0);
    const lines = text.split('\n').filter((line) => line !== '');
    // cut the log at every byte: what is read is always the complete lines before the cut
    for (let cut = 0; cut <= text.length; cut++) {
      const part = text.slice(0, cut);
      const complete = part.split('\n').filter((line, i, all) => line !== '' && (i < all.length - 1 || part.endsWith('}')));
      const log = parseEventLog(part);
      expect(log.events.length + log.conditions.length + log.tries.length).toBe(complete.length);
      expect(log.unreadable).toBeLessThanOrEqual(1);
    }
    expect(lines.length).toBeGreaterThan(10);
    const future = `${text}{"kind":"snapshot","wall":"x","time":1}\n{"wall":"2026-11-28T09:00:00.000Z","ti`;
    const log = parseEventLog(future);
    expect(log.events).toEqual(whole.events);
    expect(log.unreadable).toBe(1);
    // JSON that is not an object is not a record either
    expect(parseEventLog('null\n42\n"x"\n[1]\n')).toMatchObject({ events: [], unreadable: 4 });
  });

  it('readRun tolerates a torn last line', async () => {
    const runDir = await recordedRun();
    const path = join(runDir, 'events.ndjson');
    const text = readFileSync(path, 'utf8');
    rmSync(join(runDir, 'summary.json'));
    writeFileSync(path, `${text}{"wall":"2026-11-28T09:00:00.000Z","time":3,"guid":"b","na`);
    const run = await readRun(runDir);
    expect(run.summary).toBeUndefined();
    expect(run.events).toEqual(parseEventLog(text).events);
  });

  it('starts a new line when it appends to a log whose last line was torn', () => {
    const dir = tempDir();
    const path = join(dir, 'events.ndjson');
    writeFileSync(path, '{"wall":"w","time":1,"guid":"a","name":"a","from":"NEW","to":"DISCOVERED"}\n{"wall":"w","ti');
    const run = new RunDirectory(dir);
    run.appendEvent({ wall: 'w', time: 2, guid: 'a', name: 'a', from: 'DISCOVERED', to: 'PROVISIONED' });
    run.appendEvent({ wall: 'w', time: 3, guid: 'a', name: 'a', from: 'PROVISIONED', to: 'READY' });
    run.close();
    const log = parseEventLog(readFileSync(path, 'utf8'));
    expect(log.events.map((event) => event.to)).toEqual(['DISCOVERED', 'PROVISIONED', 'READY']);
    expect(log.unreadable).toBe(1);
    expect(readFileSync(path, 'utf8').endsWith('"to":"READY"}\n')).toBe(true);
  });

  it('appends to a log that ends cleanly without an empty line', () => {
    const dir = tempDir();
    const path = join(dir, 'events.ndjson');
    appendFileSync(path, '{"wall":"w","time":1,"guid":"a","name":"a","from":"NEW","to":"DISCOVERED"}\n');
    const run = new RunDirectory(dir);
    run.appendEvent({ wall: 'w', time: 2, guid: 'a', name: 'a', from: 'DISCOVERED', to: 'READY' });
    run.close();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
  });
});
