/** A hand-made run directory: events.ndjson in the documented format, with a torn last line. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const wall = (time: number) => new Date(1764320400000 + time).toISOString();

function state(guid: string, type: string, from: string, to: string, time: number, extra: object = {}) {
  return { wall: wall(time), time, guid, name: guid, type, from, to, ...extra };
}

function condition(event: string, guid: string, action: string, group: string[], stateName: string, delay: number, time: number, deadline: number) {
  return { kind: 'condition', wall: wall(time), time, guid, action, group, state: stateName, delay, event, deadline };
}

const NODE = 'dummy::Node';
const APP = 'dummy::Application';

/**
 * node, server and client; client starts 500 ms after server STARTED (held at 1500, fired at
 * 2000) and fails while running; node's STOP waits 1 s after server and client FINISHED
 * (held at 3500 when server finishes, never fired: everything is released at 3600-4000).
 */
export const FIXTURE_RECORDS: readonly object[] = [
  state('node', NODE, 'NEW', 'DISCOVERED', 1000),
  state('node', NODE, 'DISCOVERED', 'PROVISIONED', 1000),
  state('server', APP, 'NEW', 'DISCOVERED', 1000),
  state('client', APP, 'NEW', 'DISCOVERED', 1000),
  state('node', NODE, 'PROVISIONED', 'READY', 1300),
  state('server', APP, 'DISCOVERED', 'PROVISIONED', 1300),
  state('client', APP, 'DISCOVERED', 'PROVISIONED', 1300),
  state('client', APP, 'PROVISIONED', 'READY', 1300),
  state('server', APP, 'PROVISIONED', 'READY', 1500),
  state('node', NODE, 'READY', 'STARTED', 1500),
  state('server', APP, 'READY', 'STARTED', 1500),
  condition('held', 'client', 'START', ['server'], 'STARTED', 500, 1500, 2000),
  condition('fired', 'client', 'START', ['server'], 'STARTED', 500, 2000, 2000),
  state('client', APP, 'READY', 'STARTED', 2000),
  state('client', APP, 'STARTED', 'FAILED', 2500, { step: 'run', error: 'boom: exit code 3' }),
  state('server', APP, 'STARTED', 'FINISHED', 3500),
  condition('held', 'node', 'STOP', ['server', 'client'], 'FINISHED', 1000, 3500, 4500),
  state('client', APP, 'FAILED', 'RELEASED', 3600),
  state('server', APP, 'FINISHED', 'RELEASED', 3600),
  state('node', NODE, 'STARTED', 'RELEASED', 4000),
];

/** How many state changes and held conditions the fixture has. */
export const FIXTURE_STATE_CHANGES = FIXTURE_RECORDS.filter((record) => !('kind' in record)).length;
export const FIXTURE_HELD = FIXTURE_RECORDS.filter((record) => (record as { event?: string }).event === 'held').length;

/** The fixture's text, ending with a line cut short by a crash. */
export function fixtureText(): string {
  return `${FIXTURE_RECORDS.map((record) => JSON.stringify(record)).join('\n')}\n{"wall":"2026-11-28T09:00:05.000Z","time":41`;
}

/** A temporary run directory holding the fixture; `cleanup()` removes it. */
export function fixtureRunDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nepi-timeline-'));
  writeFileSync(join(dir, 'events.ndjson'), fixtureText());
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** How long the controller of the resumed fixture was down: from its last record (1500) to the resume. */
export const DOWN_MS = 12_300;

/**
 * The fixture's run, but its controller died after the records of 1500 (the server STARTED,
 * the client's START held) and `nepi resume` took over 12.3 s later: the rest comes shifted
 * by that much, and the resumed run is interrupted by SIGINT at 15000, while the server still
 * runs (so it never finishes; everything is released).
 */
export function resumedFixtureRecords(): object[] {
  const before = FIXTURE_RECORDS.filter((record) => (record as { time: number }).time <= 1500);
  const resume = {
    kind: 'resume',
    wall: wall(1500 + DOWN_MS),
    time: 1500 + DOWN_MS,
    pid: 4242,
    lastRecorded: 1500,
    states: { STARTED: 2, READY: 1 },
    found: { node: 'running', server: 'running' },
  };
  const shift = (record: object) => {
    const shifted = { ...record, time: (record as { time: number }).time + DOWN_MS, wall: wall((record as { time: number }).time + DOWN_MS) };
    return 'deadline' in record ? { ...shifted, deadline: (record as { deadline: number }).deadline + DOWN_MS } : shifted;
  };
  const after = FIXTURE_RECORDS.filter((record) => {
    const { time, to, event } = record as { time: number; to?: string; event?: string };
    return time > 1500 && to !== 'FINISHED' && event !== 'held'; // interrupted: the server never finishes
  }).map(shift);
  const interrupt = { kind: 'interrupt', wall: wall(15_000), by: 'SIGINT', time: 15_000, unfinished: [{ guid: 'server', state: 'STARTED' }] };
  const at = after.findIndex((record) => (record as { time: number }).time > 15_000);
  return [...before, resume, ...after.slice(0, at), interrupt, ...after.slice(at)];
}

/** A temporary run directory holding `records` as its events.ndjson; `cleanup()` removes it. */
export function runDirWith(records: readonly object[]): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nepi-timeline-'));
  writeFileSync(join(dir, 'events.ndjson'), `${records.map((record) => JSON.stringify(record)).join('\n')}\n`);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
