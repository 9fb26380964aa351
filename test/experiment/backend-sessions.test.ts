/**
 * Backend sessions: opened lazily, one per experiment and shared by its resources, never by
 * two experiments, and disposed of when the experiment shuts down, whatever way it ends
 * (run to its end, abort, interruption, a deploy refused, a resume). Only the public API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineBackend, defineResourceType, ExperimentController, TypeRegistry, type ExperimentView } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';

/** A backend whose sessions count what they are asked and say when they are disposed of. */
function countingBackend() {
  const sessions: Counter[] = [];
  class Counter {
    readonly guids = new Set<string>();
    disposed = 0;
    constructor(readonly experiment: ExperimentView) {
      sessions.push(this);
    }
    dispose() {
      this.disposed++;
    }
  }
  const backend = defineBackend({ name: 'counting', open: (experiment) => new Counter(experiment) });
  const Thing = defineResourceType({
    type: 'counting::Thing',
    help: 'Notes itself in its session at each step.',
    backend,
    attributes: { failAt: { type: 'enum', allowed: ['none', 'deploy'], default: 'none', help: 'Where it fails.' } },
    steps: {
      deploy: (ctx) => {
        ctx.session.guids.add(ctx.guid);
        if (ctx.get('failAt') === 'deploy') throw new Error('failed on purpose');
      },
      run: (ctx) => ctx.sleep(100),
    },
    reattach: (ctx) => {
      ctx.session.guids.add(ctx.guid);
      return { status: 'running' };
    },
  });
  const Idle = defineResourceType({ type: 'counting::Idle', help: 'Never asks for its session.', backend });
  const registry = new TypeRegistry();
  registry.register(Thing);
  registry.register(Idle);
  return { sessions, registry };
}

let localDir: string;
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-sessions-'));
});
afterEach(() => rmSync(localDir, { recursive: true, force: true }));

async function inVirtualTime<T>(clock: VirtualClock, work: Promise<T>): Promise<T> {
  let done = false;
  void work.finally(() => (done = true));
  while (!done) await clock.advance(50);
  return work;
}

describe('backend sessions', () => {
  it('opens one session per experiment, the first time a resource asks, shared by all of its resources', async () => {
    const { sessions, registry } = countingBackend();
    const clock = new VirtualClock();
    const ec = new ExperimentController({ registry, clock, localDir });
    for (const name of ['a', 'b', 'c']) ec.registerResource('counting::Thing', {}, { name });
    ec.registerResource('counting::Idle', {}, { name: 'idle' });
    expect(sessions).toHaveLength(0); // nothing asked yet
    const summary = await inVirtualTime(clock, ec.run());
    expect(summary.failures).toEqual([]);
    expect(sessions).toHaveLength(1);
    expect([...sessions[0]!.guids]).toEqual(['a', 'b', 'c']);
    expect(sessions[0]!.experiment.expId).toBe(ec.expId);
    expect(sessions[0]!.experiment.resources().map((r) => r.guid)).toEqual(['a', 'b', 'c', 'idle']);
    expect(sessions[0]!.disposed).toBe(1);
  });

  it('never opens a session nobody asks for', async () => {
    const { sessions, registry } = countingBackend();
    const ec = new ExperimentController({ registry, clock: new VirtualClock(), localDir });
    ec.registerResource('counting::Idle', {}, { name: 'idle' });
    await ec.shutdown();
    expect(sessions).toHaveLength(0);
  });

  it('gives two experiments running at once in one process a session each, both disposed of', async () => {
    const { sessions, registry } = countingBackend();
    const clock = new VirtualClock();
    const build = (expId: string) => {
      const ec = new ExperimentController({ registry, clock, localDir, expId });
      ec.registerResource('counting::Thing', {}, { name: `${expId}-thing` });
      return ec;
    };
    const [one, two] = [build('one'), build('two')];
    await inVirtualTime(clock, Promise.all([one.run(), two.run()]));
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => [s.experiment.expId, [...s.guids]])).toEqual([
      ['one', ['one-thing']],
      ['two', ['two-thing']],
    ]);
    expect(sessions.map((s) => s.disposed)).toEqual([1, 1]);
  });

  it('disposes of the session after an abort and after an interruption', async () => {
    const { sessions, registry } = countingBackend();
    const clock = new VirtualClock();
    const aborted = new ExperimentController({ registry, clock, localDir });
    aborted.registerResource('counting::Thing', { failAt: 'deploy' }, { name: 'bad' });
    const summary = await inVirtualTime(clock, aborted.run());
    expect(summary.status).toBe('aborted');
    const interrupted = new ExperimentController({ registry, clock, localDir });
    interrupted.registerResource('counting::Thing', {}, { name: 'long' });
    const abort = new AbortController();
    const running = interrupted.run({ signal: abort.signal });
    await clock.advance(10);
    abort.abort();
    await inVirtualTime(clock, running);
    expect(sessions.map((s) => s.disposed)).toEqual([1, 1]);
  });

  it('refuses to open a session again once the experiment was shut down', async () => {
    const backend = defineBackend({ name: 'late', open: () => ({}) });
    let kept: { readonly session: unknown } | undefined;
    const Late = defineResourceType({ type: 'late::Thing', help: 'Keeps its context.', backend, steps: { deploy: (ctx) => void (kept = ctx) } });
    const clock = new VirtualClock();
    const ec = new ExperimentController({ clock, localDir, record: false });
    ec.registerResource(Late, {}, { name: 'late' });
    ec.deploy();
    await ec.waitDeployed();
    expect(kept!.session).toEqual({});
    await inVirtualTime(clock, ec.shutdown());
    // a straggling step cannot bring a session back after its experiment ended
    expect(() => kept!.session).toThrow(/late backend's session of experiment '.*' was disposed of: the experiment was shut down/);
  });

  it('opens a session for a resumed run and disposes of it at its end', async () => {
    const { sessions, registry } = countingBackend();
    const first = new VirtualClock();
    const ec = new ExperimentController({ registry, clock: first, localDir, expId: 'resumed' });
    ec.registerResource('counting::Thing', {}, { name: 'thing' });
    ec.deploy();
    await first.advance(50); // STARTED, its run not over
    ec.actor.stop(); // as a SIGKILL would leave it: no shutdown, the session never disposed of
    expect(sessions.map((s) => s.disposed)).toEqual([0]);
    const clock = new VirtualClock(50);
    const resumed = await ExperimentController.resume(ec.runDir, { registry, clock });
    const summary = await inVirtualTime(clock, resumed.run());
    expect(summary.resources['thing']?.state).toBe('RELEASED');
    // the resumed controller's own session: its reattach asked for it
    expect(sessions).toHaveLength(2);
    expect([...sessions[1]!.guids]).toEqual(['thing']);
    expect(sessions[1]!.experiment.runId).toBe(ec.runId);
    expect(sessions[1]!.disposed).toBe(1);
  });
});
