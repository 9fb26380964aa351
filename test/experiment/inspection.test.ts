import { describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { ExperimentController } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';

describe('inspection', () => {
  it('shows the controller and every resource actor, with the controller as parent', async () => {
    const clock = new VirtualClock();
    const actors = new Map<string, string | undefined>();
    const ec = new ExperimentController({
      clock,
      record: false,
      inspect: (event: InspectionEvent) => {
        if (event.type === '@xstate.actor') actors.set((event.actorRef as AnyActorRef).id, (event.actorRef as AnyActorRef)._parent?.id);
      },
    });
    const node = ec.registerResource('dummy::Node');
    const app = ec.registerResource('dummy::Application');
    ec.registerConnection(node, app);
    ec.deploy();
    await clock.runAll();
    expect(actors.get('controller')).toBeUndefined();
    expect(actors.get(node)).toBe('controller');
    expect(actors.get(app)).toBe('controller');
    const done = ec.shutdown();
    await clock.runAll();
    await done;
  });
});
