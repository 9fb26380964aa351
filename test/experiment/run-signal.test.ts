import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('run({ signal })', () => {
  it('leaves no listener on the signal once a run ends, however many runs share it', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 12; i++) {
      const { ec, clock } = virtualExperiment();
      nodeWithApps(ec, 1, { runTime: '1s' });
      const summary = await settle(clock, ec.run({ signal }));
      expect(summary.status).toBe('released');
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    }
  });
});

describe('an interrupted run', () => {
  it('says it was interrupted, by what and when, and lists what had not ended', async () => {
    const { ec, clock } = virtualExperiment();
    const { node, apps } = nodeWithApps(ec, 2, { runTime: '10s' });
    const quick = ec.registerResource('dummy::Application', { runTime: '1s' });
    ec.registerConnection(node, quick);
    const abort = new AbortController();
    const running = ec.run({ signal: abort.signal });
    await clock.advance(5_000);
    abort.abort('SIGINT');
    const summary = await settle(clock, running);
    expect(summary.status).toBe('interrupted');
    expect(ec.status).toBe('interrupted');
    // the apps that ran 10 s were STARTED; the 1 s one had finished; the node is not waited for
    expect(summary.interrupted?.by).toBe('SIGINT');
    expect(summary.interrupted?.unfinished).toEqual(apps.map((guid) => ({ guid, state: 'STARTED' })));
    const start = summary.resources[node]!.times.NEW!;
    expect(summary.interrupted!.time - start).toBeGreaterThanOrEqual(5_000);
    expect(summary.interrupted!.time - start).toBeLessThan(5_100);
    expect(summary.resources[apps[0]!]!.state).toBe('RELEASED');
    expect(summary.failures).toEqual([]);
  });

  it('names a bare abort() as an abort signal, and an Error reason by its message', async () => {
    for (const [reason, by] of [
      [undefined, 'an abort signal'],
      [new Error('the campaign stopped'), 'the campaign stopped'],
    ] as const) {
      const { ec, clock } = virtualExperiment();
      nodeWithApps(ec, 1, { runTime: '10s' });
      const abort = new AbortController();
      const running = ec.run({ signal: abort.signal });
      await clock.advance(1_000);
      abort.abort(reason);
      const summary = await settle(clock, running);
      expect(summary.interrupted?.by).toBe(by);
    }
  });

  it('is not interrupted when the signal comes after everything it waited for ended', async () => {
    const { ec, clock } = virtualExperiment();
    nodeWithApps(ec, 1, { runTime: '1s' });
    const abort = new AbortController();
    const summary = await settle(clock, ec.run({ signal: abort.signal }));
    abort.abort('SIGINT');
    expect(summary.status).toBe('released');
    expect(summary.interrupted).toBeUndefined();
  });

  it('is interrupted before it began when the signal was already aborted: nothing deployed', async () => {
    const { ec, clock } = virtualExperiment();
    const { apps } = nodeWithApps(ec, 1, { runTime: '1s' });
    const summary = await settle(clock, ec.run({ signal: AbortSignal.abort('SIGTERM') }));
    expect(summary.status).toBe('interrupted');
    expect(summary.interrupted?.unfinished).toEqual([{ guid: apps[0], state: 'NEW' }]);
  });

  it('stays aborted when a critical failure came first', async () => {
    const { ec, clock } = virtualExperiment();
    const { node } = nodeWithApps(ec, 1, { runTime: '10s' });
    const failing = ec.registerResource('dummy::Application', { runTime: '1s', failAt: 'run' });
    ec.registerConnection(node, failing);
    const abort = new AbortController();
    const running = ec.run({ signal: abort.signal });
    await clock.advance(3_000);
    abort.abort('SIGINT');
    const summary = await settle(clock, running);
    expect(summary.status).toBe('aborted');
    expect(summary.interrupted).toBeUndefined();
  });
});
