import { describe, expect, it } from 'vitest';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import { type ExperimentController } from '../../src/index.js';
import { runInVirtualTime } from '../../src/testing/index.js';
import { thinInspection } from '../../src/ui/inspection/thin-inspection.js';

const NODES = 100;
const APPS_PER_NODE = 99; // 100 nodes + 9,900 applications = 10,000 RMs

function build(ec: ExperimentController): void {
  for (let n = 0; n < NODES; n++) {
    const node = ec.registerResource('dummy::Node');
    for (let a = 0; a < APPS_PER_NODE; a++) ec.registerConnection(node, ec.registerResource('dummy::Application'));
  }
}

async function timedRun(inspect?: Observer<InspectionEvent>): Promise<number> {
  const t0 = performance.now();
  const { resources } = await runInVirtualTime(build, inspect ? { inspect } : {});
  const wall = performance.now() - t0;
  expect(Object.values(resources).every((r) => r.state === 'RELEASED')).toBe(true);
  return wall;
}

describe('thin inspection', () => {
  it('shows the controller and each of 10,000 RMs with its parent, within 2x of the uninspected run time', async () => {
    let sent = 0;
    let bytes = 0;
    const actors = new Map<string, string | undefined>(); // sessionId -> parentId
    const names = new Map<string, string>();
    const lifecycle = new Map<string, string[]>();
    const events = new Set<string>();
    const thin = thinInspection({
      send: (event: StatelyInspectionEvent) => {
        sent++;
        bytes += JSON.stringify(event).length; // what the relay to the inspector serialises
        if (event.type === '@xstate.actor') {
          actors.set(event.sessionId, event.parentId);
          names.set(event.sessionId, event.name);
        } else if (event.type === '@xstate.snapshot') {
          const value = (event.snapshot as { value?: unknown }).value;
          const state = typeof value === 'string' ? value : Object.keys(value as object)[0]!; // STARTED: { STARTED: 'idle' }
          lifecycle.set(event.sessionId, [...(lifecycle.get(event.sessionId) ?? []), state]);
        } else {
          events.add(event.event.type);
        }
      },
    });
    // interleaved, best of four each: a loaded machine slows both alike
    const plain: number[] = [];
    const inspected: number[] = [];
    for (let i = 0; i < 4; i++) {
      plain.push(await timedRun());
      if (i === 0) inspected.push(await timedRun(thin));
      else inspected.push(await timedRun(thinInspection({ send: (event) => void JSON.stringify(event) })));
    }
    const ratio = Math.min(...inspected) / Math.min(...plain);
    console.log(
      `10,000 RMs: ${Math.min(...plain).toFixed(0)} ms uninspected, ${Math.min(...inspected).toFixed(0)} ms inspected (x${ratio.toFixed(2)}), ` +
        `${sent} events, ${(bytes / 1e6).toFixed(1)} MB of JSON`,
    );
    expect(ratio).toBeLessThan(2);

    const controller = [...names].find(([, name]) => name === 'controller')![0];
    expect(actors.get(controller)).toBeUndefined();
    const rms = [...actors].filter(([, parent]) => parent === controller).map(([id]) => names.get(id));
    expect(rms).toHaveLength(10_000);
    expect(new Set(rms)).toEqual(new Set(['node1', 'node100', 'application1', 'application9900'].concat(rms as string[])));
    expect(rms).toContain('application9900');
    // snapshots follow each RM through its lifecycle; events between actors are there
    const app = [...names].find(([, name]) => name === 'application1')![0];
    expect(lifecycle.get(app)).toEqual(['NEW', 'READY', 'STARTED', 'RELEASED']);
    expect([...events]).toEqual(expect.arrayContaining(['resource.add', 'deploy', 'DEPLOY', 'START', 'resource.state', 'RELEASE']));
    expect(bytes / 10_000).toBeLessThan(8000); // a few KB per RM, not a full snapshot per event
  }, 60_000);

  it('gives every actor event to a plain observer: the controller and every RM', async () => {
    const seen: { id: string; parent: string | undefined }[] = [];
    await runInVirtualTime(
      (ec) => {
        const node = ec.registerResource('dummy::Node');
        for (let i = 0; i < 50; i++) ec.registerConnection(node, ec.registerResource('dummy::Application'));
      },
      {
        inspect: (event: InspectionEvent) =>
          void (event.type === '@xstate.actor' && seen.push({ id: (event.actorRef as AnyActorRef).id, parent: (event.actorRef as AnyActorRef)._parent?.id })),
      },
    );
    expect(seen[0]).toEqual({ id: 'controller', parent: undefined });
    expect(seen.slice(1).map((a) => a.id)).toEqual(['node1', ...Array.from({ length: 50 }, (_, i) => `application${i + 1}`)]);
    expect(seen.slice(1).every((a) => a.parent === 'controller')).toBe(true);
  });

  it('keeps events and contexts small: scalars, lists cut short, maps and class instances named', () => {
    const out: StatelyInspectionEvent[] = [];
    const thin = thinInspection({ send: (event) => out.push(event) });
    const actorRef = { sessionId: 'x:1', id: 'x', _parent: undefined, getSnapshot: () => ({ status: 'active', value: 'a', context: {} }) };
    thin.next!({
      type: '@xstate.event',
      actorRef,
      rootId: 'x:1',
      sourceRef: undefined,
      event: { type: 'watch.add', members: Array.from({ length: 20 }, (_, i) => `r${i}`), listener: () => {}, index: new Map([[1, 2]]) },
    } as never);
    thin.next!({
      type: '@xstate.snapshot',
      actorRef,
      rootId: 'x:1',
      event: { type: 'go' },
      snapshot: { status: 'active', value: 'b', context: { guid: 'x', times: { NEW: 0 }, handle: new (class Record {})(), error: new Error('boom') } },
    } as never);
    thin.next!({
      type: '@xstate.snapshot',
      actorRef,
      rootId: 'x:1',
      event: { type: 'again' },
      snapshot: { status: 'active', value: 'b', context: {} },
    } as never);
    thin.next!({ type: '@xstate.microstep', actorRef, rootId: 'x:1' } as never);
    expect(out).toHaveLength(2); // the second snapshot repeats state 'b'; microsteps are dropped
    expect((out[0] as { event: unknown }).event).toEqual({
      type: 'watch.add',
      members: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', '… 12 more'],
      index: 'Map(1)',
    });
    expect((out[1] as { snapshot: unknown }).snapshot).toEqual({
      status: 'active',
      value: 'b',
      context: { guid: 'x', times: { NEW: 0 }, handle: '[Record]', error: { name: 'Error', message: 'boom' } },
    });
  });
});
