import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, type AnyActorRef, type InspectionEvent } from 'xstate';
import { resourceMachine, STATE_ORDER, type ResourceStateEvent, type StepName } from '../../machines/index.js';
import { VirtualClock } from '../../src/testing/index.js';

const ALL_STEPS = () => true;
const NO_STEPS = () => false;

function start(plan: (step: StepName) => boolean, logic = resourceMachine) {
  const clock = new VirtualClock();
  const events: ResourceStateEvent[] = [];
  const actors: string[] = [];
  const actor = createActor(logic, {
    input: { guid: 'r1', type: 'test::Thing', plan, now: () => clock.now() },
    clock,
    inspect: (event: InspectionEvent) => {
      if (event.type === '@xstate.actor') actors.push((event.actorRef as AnyActorRef).id);
    },
  });
  actor.on('resource.state', (event) => events.push(event));
  actor.start();
  return { actor, events, actors, clock };
}

const steps = (impl: (step: StepName) => Promise<void>) =>
  Object.fromEntries((['discover', 'provision', 'deploy', 'start', 'run', 'stop', 'release'] as const).map((step) => [step, fromPromise(() => impl(step))]));

describe('resource machine', () => {
  it('goes NEW → DISCOVERED → PROVISIONED → READY → STARTED → STOPPED → RELEASED without steps', () => {
    const { actor, events } = start(NO_STEPS);
    actor.send({ type: 'DEPLOY' });
    expect(actor.getSnapshot().context.state).toBe('READY');
    actor.send({ type: 'START' });
    actor.send({ type: 'STOP' });
    actor.send({ type: 'RELEASE' });
    expect(events.map((e) => e.to)).toEqual(['DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'STOPPED', 'RELEASED']);
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('invokes no actor for a step the resource does not run', () => {
    const { actor, actors } = start(NO_STEPS);
    actor.send({ type: 'DEPLOY' });
    actor.send({ type: 'START' });
    actor.send({ type: 'RELEASE' });
    expect(actors).toEqual([actor.id]);
  });

  it('invokes the provided logic for each step it runs', async () => {
    const seen: StepName[] = [];
    const logic = resourceMachine.provide({ actors: steps(async (step) => void seen.push(step)) });
    const plan = (step: StepName) => step !== 'run';
    const { actor, events } = start(plan, logic);
    actor.send({ type: 'DEPLOY' });
    await new Promise((r) => setImmediate(r));
    actor.send({ type: 'START' });
    await new Promise((r) => setImmediate(r));
    actor.send({ type: 'STOP' });
    await new Promise((r) => setImmediate(r));
    actor.send({ type: 'RELEASE' });
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['discover', 'provision', 'deploy', 'start', 'stop', 'release']);
    expect(events.at(-1)?.to).toBe('RELEASED');
  });

  it('moves to FAILED with the step and the error when a step rejects', async () => {
    const boom = new Error('no such host');
    const logic = resourceMachine.provide({
      actors: steps(async (step) => {
        if (step === 'provision') throw boom;
      }),
    });
    const { actor, events } = start(ALL_STEPS, logic);
    actor.send({ type: 'DEPLOY' });
    await new Promise((r) => setImmediate(r));
    const context = actor.getSnapshot().context;
    expect(context.state).toBe('FAILED');
    expect(context.failedStep).toBe('provision');
    expect(context.error).toBe(boom);
    expect(events.at(-1)).toMatchObject({ from: 'DISCOVERED', to: 'FAILED', step: 'provision', error: boom });
  });

  it('finishes when run resolves and fails when run rejects', async () => {
    for (const outcome of ['FINISHED', 'FAILED'] as const) {
      const logic = resourceMachine.provide({
        actors: steps(async (step) => {
          if (step === 'run' && outcome === 'FAILED') throw new Error('exit 3');
        }),
      });
      const { actor } = start((step) => step === 'run', logic);
      actor.send({ type: 'DEPLOY' });
      actor.send({ type: 'START' });
      await new Promise((r) => setImmediate(r));
      expect(actor.getSnapshot().context.state).toBe(outcome);
    }
  });

  it('aborts a running step when released and ends RELEASED', async () => {
    let aborted = false;
    const logic = resourceMachine.provide({
      actors: {
        deploy: fromPromise(
          ({ signal }) =>
            new Promise<void>((_, reject) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                reject(new Error('aborted'));
              });
            }),
        ),
      },
    });
    const { actor, events } = start((step) => step === 'deploy', logic);
    actor.send({ type: 'DEPLOY' });
    expect(actor.getSnapshot().value).toBe('deploying');
    actor.send({ type: 'RELEASE' });
    await new Promise((r) => setImmediate(r));
    expect(aborted).toBe(true);
    expect(actor.getSnapshot().context.state).toBe('RELEASED');
    expect(events.map((e) => e.to)).toEqual(['DISCOVERED', 'PROVISIONED', 'RELEASED']);
  });

  it('reaches RELEASED from every lifecycle state', () => {
    const paths: Record<string, { type: 'DEPLOY' | 'START' | 'STOP' }[]> = {
      NEW: [],
      READY: [{ type: 'DEPLOY' }],
      STARTED: [{ type: 'DEPLOY' }, { type: 'START' }],
      STOPPED: [{ type: 'DEPLOY' }, { type: 'START' }, { type: 'STOP' }],
    };
    for (const [state, path] of Object.entries(paths)) {
      const { actor } = start(NO_STEPS);
      for (const event of path) actor.send(event);
      expect(actor.getSnapshot().context.state).toBe(state);
      actor.send({ type: 'RELEASE' });
      expect(actor.getSnapshot().context.state).toBe('RELEASED');
    }
  });

  it('records the time each state was first entered', async () => {
    const clock = new VirtualClock();
    const logic = resourceMachine.provide({
      actors: steps(() => new Promise((resolve) => clock.setTimeout(resolve, 1000))),
    });
    const actor = createActor(logic, {
      input: { guid: 'r', type: 't::T', plan: (s: StepName) => s === 'deploy' || s === 'start', now: () => clock.now() },
    }).start();
    actor.send({ type: 'DEPLOY' });
    await clock.runAll();
    actor.send({ type: 'START' });
    await clock.runAll();
    expect(actor.getSnapshot().context.times).toEqual({ NEW: 0, DISCOVERED: 0, PROVISIONED: 0, READY: 1000, STARTED: 2000 });
  });

  it('ignores actions that do not fit its state', () => {
    const { actor } = start(NO_STEPS);
    actor.send({ type: 'START' });
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().context.state).toBe('NEW');
    expect(STATE_ORDER[0]).toBe('NEW');
  });
});
