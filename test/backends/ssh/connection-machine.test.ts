/**
 * The SSH connection's machine on a simulated clock: when a dropped connection is dialled
 * again, how long it waits between tries, when it gives up, and that a close stops it.
 * Dialling is a stand-in actor that answers as the test says.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { connectionMachine, type DialInput } from '../../../src/backends/linux/transport/ssh/connection-machine.js';
import { VirtualClock } from '../../../src/testing/index.js';

interface FakeLink {
  readonly id: number;
}

/** A connection whose dials succeed or fail as `answers` says, in order; each dial noted with its time and timeout. */
function connection(answers: boolean[], options: { reconnectTimeout?: number } = {}) {
  const clock = new VirtualClock();
  const dials: Array<{ at: number; timeout: number }> = [];
  let next = 0;
  const logic = connectionMachine<FakeLink>().provide({
    actors: {
      dial: fromPromise<FakeLink, DialInput>(async ({ input }) => {
        dials.push({ at: clock.now(), timeout: input.timeout });
        const ok = answers[next++] ?? false;
        if (!ok) throw new Error(`dial ${next} refused`);
        return { id: next };
      }),
    },
  });
  const actor = createActor(logic, {
    clock,
    input: { reconnectTimeout: options.reconnectTimeout ?? 10_000, connectTimeout: 5000, now: () => clock.now() },
  });
  const emitted: string[] = [];
  actor.on('*', (event) => emitted.push(event.type === 'lost' ? `lost after ${event.tries} tries` : event.type));
  actor.start();
  return { clock, actor, dials, emitted };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the SSH connection machine', () => {
  it('connects on CONNECT, and goes back to idle when the first dial fails', async () => {
    const { actor, emitted } = connection([false, true]);
    actor.send({ type: 'CONNECT' });
    await settle();
    expect(actor.getSnapshot().value).toBe('idle');
    expect(emitted).toEqual(['refused']);
    actor.send({ type: 'CONNECT' });
    await settle();
    expect(actor.getSnapshot().value).toBe('ready');
    expect(actor.getSnapshot().context.link).toEqual({ id: 2 });
    expect(emitted).toEqual(['refused', 'up']);
  });

  it('dials a dropped connection again after 0.25 s, then 0.5, 1, 2, 4, 4 s, until one succeeds', async () => {
    const { clock, actor, dials, emitted } = connection([true, false, false, false, false, false, true], { reconnectTimeout: 60_000 });
    actor.send({ type: 'CONNECT' });
    await settle();
    const link = actor.getSnapshot().context.link!;
    actor.send({ type: 'DROPPED', link });
    await clock.runAll();
    expect(dials.map((d) => d.at)).toEqual([0, 250, 750, 1750, 3750, 7750, 11_750]);
    expect(actor.getSnapshot().value).toBe('ready');
    expect(actor.getSnapshot().context.reconnects).toBe(1);
    expect(emitted).toEqual(['up', 'down', 'up']);
  });

  it('gives up once reconnectTimeout has passed since the drop, the last try at the deadline', async () => {
    const { clock, actor, dials, emitted } = connection([true], { reconnectTimeout: 3000 });
    actor.send({ type: 'CONNECT' });
    await settle();
    actor.send({ type: 'DROPPED', link: actor.getSnapshot().context.link! });
    await clock.runAll();
    // 250, 750, 1750; the next wait (2 s) is cut to the deadline: a last try there, then it ends
    expect(dials.map((d) => d.at)).toEqual([0, 250, 750, 1750, 3000]);
    expect(clock.now()).toBe(3000);
    expect(actor.getSnapshot().value).toBe('failed');
    expect(emitted).toEqual(['up', 'down', 'lost after 4 tries']);
    // a try never takes longer than what is left before the deadline (but at least 1 s)
    expect(dials.slice(1).map((d) => d.timeout)).toEqual([2750, 2250, 1250, 1000]);
  });

  it('ignores the drop of a link it no longer uses, and stops for good on CLOSE', async () => {
    const { clock, actor, dials } = connection([true, false, false]);
    actor.send({ type: 'CONNECT' });
    await settle();
    actor.send({ type: 'DROPPED', link: { id: 99 } });
    expect(actor.getSnapshot().value).toBe('ready');
    actor.send({ type: 'DROPPED', link: actor.getSnapshot().context.link! });
    await clock.advance(300);
    actor.send({ type: 'CLOSE' });
    await clock.runAll();
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().status).toBe('done');
    expect(dials).toHaveLength(2); // the first and one retry: nothing after the close
  });
});
