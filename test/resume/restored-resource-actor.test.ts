/** The resource machine's `restore` input: how a resumed controller starts an RM in its recorded state. */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { resourceMachine, type ResourceStateEvent, type RestoredResource } from '../../machines/resource.js';
import type { StepName } from '../../machines/lifecycle.js';

function restoredActor(restore: RestoredResource, steps: readonly StepName[] = []) {
  const ran: string[] = [];
  const actors = Object.fromEntries(steps.map((step) => [step, fromPromise(async () => void ran.push(step))]));
  const actor = createActor(resourceMachine.provide({ actors }), {
    input: { guid: 'r', type: 'test::R', plan: (step: StepName) => steps.includes(step), now: () => 5000, restore },
  });
  const reports: string[] = [];
  actor.on('resource.state', (e: ResourceStateEvent) => reports.push(`${e.from}->${e.to}@${e.time}${e.step ? ` ${e.step}` : ''}`));
  actor.start();
  return { actor, reports, ran };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a restored resource actor', () => {
  it('waits silently in restoring, with its recorded state and times, until RESUME', () => {
    const { actor, reports } = restoredActor({ state: 'READY', times: { NEW: 0, READY: 100 } });
    expect(actor.getSnapshot().value).toBe('restoring');
    expect(actor.getSnapshot().context.state).toBe('READY');
    actor.send({ type: 'START' }); // not taken before RESUME
    expect(actor.getSnapshot().value).toBe('restoring');
    actor.send({ type: 'RESUME' });
    expect(actor.getSnapshot().value).toBe('READY');
    expect(reports).toEqual([]);
    actor.send({ type: 'START' });
    expect(reports).toEqual(['READY->STARTED@5000']);
    expect(actor.getSnapshot().context.times).toEqual({ NEW: 0, READY: 100, STARTED: 5000 });
  });

  it('runs again the step due from its recorded state', async () => {
    const { actor, reports, ran } = restoredActor({ state: 'PROVISIONED', times: { PROVISIONED: 10 } }, ['deploy']);
    actor.send({ type: 'RESUME' });
    await settle();
    expect(ran).toEqual(['deploy']);
    expect(reports).toEqual(['PROVISIONED->READY@5000']);
  });

  it('goes on STARTED when its type found it running: run waits again', async () => {
    const { actor, reports, ran } = restoredActor({ state: 'READY', to: 'STARTED', times: { READY: 10 } }, ['run']);
    actor.send({ type: 'RESUME' });
    await settle();
    expect(ran).toEqual(['run']);
    expect(reports).toEqual(['READY->STARTED@5000', 'STARTED->FINISHED@5000']);
  });

  it('reports an end seen at resume: FINISHED, or FAILED at run with the reason', () => {
    const ok = restoredActor({ state: 'STARTED', times: { STARTED: 10 }, end: { ok: true } }, ['run']);
    ok.actor.send({ type: 'RESUME' });
    expect(ok.reports).toEqual(['STARTED->FINISHED@5000']);
    expect(ok.ran).toEqual([]);
    const failed = restoredActor({ state: 'STARTED', times: { STARTED: 10 }, end: { ok: false, error: new Error('gone') } }, ['run']);
    failed.actor.send({ type: 'RESUME' });
    expect(failed.reports).toEqual(['STARTED->FAILED@5000 run']);
    expect(String(failed.actor.getSnapshot().context.error)).toBe('Error: gone');
  });

  it('keeps a recorded failure without reporting it again, and releases from restoring', () => {
    const { actor, reports } = restoredActor({ state: 'FAILED', times: { FAILED: 10 }, failedStep: 'start', error: new Error('x') });
    expect(actor.getSnapshot().context.failedStep).toBe('start');
    actor.send({ type: 'RELEASE' });
    expect(actor.getSnapshot().value).toBe('RELEASED');
    expect(reports).toEqual(['FAILED->RELEASED@5000']);
  });
});
