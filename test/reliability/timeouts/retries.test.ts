import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentController, type TryReport } from '../../../src/index.js';
import { VirtualClock } from '../../../src/testing/index.js';
import { FlakyNode } from './types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A recorded controller on a virtual clock, with the tries it reports. */
function experiment(): { ec: ExperimentController; clock: VirtualClock; tries: TryReport[] } {
  const clock = new VirtualClock();
  const localDir = mkdtempSync(join(tmpdir(), 'nepi-retries-'));
  dirs.push(localDir);
  const ec = new ExperimentController({ clock, localDir, expId: 'retries' });
  const tries: TryReport[] = [];
  ec.onTry((report) => tries.push(report));
  return { ec, clock, tries };
}

function records(ec: ExperimentController): Record<string, unknown>[] {
  return readFileSync(join(ec.runDir, 'events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('retries', () => {
  it('fails the resource once its retries are exhausted, with every try recorded', async () => {
    const { ec, clock, tries } = experiment();
    const node = ec.registerResource(FlakyNode, { failures: 10, retries: 2, retryDelay: '1s', critical: false }, { name: 'node' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('FAILED');
    expect(tries.map(({ attempt, attempts, outcome, nextDelay, time }) => ({ attempt, attempts, outcome, nextDelay, time }))).toEqual([
      { attempt: 1, attempts: 3, outcome: 'failed', nextDelay: 1000, time: 0 },
      { attempt: 2, attempts: 3, outcome: 'failed', nextDelay: 2000, time: 1000 },
      { attempt: 3, attempts: 3, outcome: 'failed', nextDelay: undefined, time: 3000 },
    ]);
    expect(String(tries[2]!.error)).toContain('deploy try 3 failed on purpose');
    expect(ec.failures).toHaveLength(1);
    expect(ec.failures[0]).toMatchObject({ guid: node, step: 'deploy', time: 3000 });
    expect(String((ec.failures[0]!.error as Error).message)).toBe("step 'deploy' failed 3 times; the last try: deploy try 3 failed on purpose");
    const shutdown = ec.shutdown();
    await clock.runAll();
    await shutdown;
    const lines = records(ec).filter((record) => record['kind'] === 'try');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      kind: 'try',
      guid: 'node',
      type: 'flaky::Node',
      step: 'deploy',
      attempt: 1,
      attempts: 3,
      outcome: 'failed',
      nextDelay: 1000,
      time: 0,
    });
    expect(lines[0]!['error']).toBe('deploy try 1 failed on purpose');
    expect(lines[2]).not.toHaveProperty('nextDelay');
    // the try records come before the state change they led to
    const all = records(ec);
    const failedAt = all.findIndex((record) => record['to'] === 'FAILED');
    expect(all.findIndex((record) => record['kind'] === 'try' && record['attempt'] === 3)).toBeLessThan(failedAt);
  });

  it('succeeds on the second try and reports the failed try and the one that worked', async () => {
    const { ec, clock, tries } = experiment();
    const node = ec.registerResource(FlakyNode, { failures: 1, retries: 3, retryDelay: '500ms', deployTime: '100ms' }, { name: 'node' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('STARTED');
    expect(ec.failures).toEqual([]);
    // try 1 fails at 100 ms, try 2 starts at 600 ms and ends at 700 ms
    expect(ec.getResource(node).times.READY).toBe(700);
    expect(tries.map(({ attempt, outcome, nextDelay, time }) => ({ attempt, outcome, nextDelay, time }))).toEqual([
      { attempt: 1, outcome: 'failed', nextDelay: 500, time: 100 },
      { attempt: 2, outcome: 'ok', nextDelay: undefined, time: 700 },
    ]);
    const shutdown = ec.shutdown();
    await clock.runAll();
    await shutdown;
    expect(
      records(ec)
        .filter((record) => record['kind'] === 'try')
        .map((record) => record['outcome']),
    ).toEqual(['failed', 'ok']);
  });

  it('doubles the delay before each further try, on the virtual clock', async () => {
    const { ec, clock, tries } = experiment();
    const node = ec.registerResource(FlakyNode, { failures: 5, retries: 5, retryDelay: '250ms' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('STARTED');
    const times = tries.map((t) => t.time);
    // each try takes no time: the gaps are the delays
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(gaps).toEqual([250, 500, 1000, 2000, 4000]);
    expect(tries.slice(0, -1).map((t) => t.nextDelay)).toEqual(gaps);
    expect(ec.getResource(node).times.READY).toBe(7750);
    await ec.shutdown().then(
      () => undefined,
      () => undefined,
    );
  });

  it('waits 1 s before the first retry when retryDelay is unset', async () => {
    const { ec, clock, tries } = experiment();
    ec.registerResource(FlakyNode, { failures: 1, retries: 1 });
    ec.deploy();
    await clock.runAll();
    expect(tries.map((t) => t.time)).toEqual([0, 1000]);
    const shutdown = ec.shutdown();
    await clock.runAll();
    await shutdown;
  });

  it('tries no more once the resource is released during the delay', async () => {
    const { ec, clock, tries } = experiment();
    const node = ec.registerResource(FlakyNode, { failures: 10, retries: 5, retryDelay: '10s' });
    ec.deploy();
    await clock.advance(5000);
    expect(tries).toHaveLength(1);
    const shutdown = ec.shutdown();
    await clock.runAll();
    await shutdown;
    expect(ec.state(node)).toBe('RELEASED');
    expect(tries).toHaveLength(1);
    expect(ec.failures).toEqual([]);
    expect(clock.now()).toBe(5000);
  });

  it('does not retry start: retries are for discover, provision and deploy', async () => {
    const { ec, clock, tries } = experiment();
    const node = ec.registerResource('dummy::Node', { failAt: 'start', retries: 3, critical: false });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('FAILED');
    expect(tries).toMatchObject([{ step: 'start', attempt: 1, attempts: 1, outcome: 'failed' }]);
    const shutdown = ec.shutdown();
    await clock.runAll();
    await shutdown;
  });

  it('rejects retries that are not a whole number from 0 to 100', () => {
    const { ec } = experiment();
    expect(() => ec.registerResource('dummy::Node', { retries: -1 })).toThrow("attribute 'retries' must be within [0, 100], got -1");
    expect(() => ec.registerResource('dummy::Node', { retries: 1.5 })).toThrow("attribute 'retries' expects an integer");
    expect(() => ec.registerResource('dummy::Node', { retryDelay: 'soon' })).toThrow("attribute 'retryDelay' invalid duration");
  });
});
