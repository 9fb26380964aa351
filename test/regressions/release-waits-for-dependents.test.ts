/**
 * Found by the property tests (test/properties): shrunk counter-examples of "after an abort,
 * nothing moves but releases". A resource whose RELEASE waits for its dependents to be
 * released went on meanwhile with the step it was running, and with the steps that follow by
 * themselves: after the abort it still entered PROVISIONED, READY or STARTED.
 *
 * The engine now halts such a resource (HALT, state `halted`) in every state it could move
 * on from, STARTED (its run) and stopping included: "a step in progress is cancelled and it
 * goes no further than the last state it reached".
 */
import { describe, expect, it } from 'vitest';
import { nodeWithApps, settle, virtualExperiment } from '../helpers.js';

describe('regression: a resource waiting for its dependents to release', () => {
  it('does not start after an abort while its application releases', async () => {
    const { ec, clock } = virtualExperiment();
    // node n starts for 1 s; its application takes 5 s to release; m fails at 500 ms
    const { node, apps } = nodeWithApps(ec, 1, { releaseTime: '5s' }, { startTime: '1s' });
    const m = ec.registerResource('dummy::Node', { startTime: 500, failAt: 'start' });
    ec.deploy();
    await settle(
      clock,
      ec.waitFinished().catch(() => undefined),
    );
    expect(ec.status).toBe('aborted');
    expect(ec.getResource(m).times.FAILED).toBe(500);
    expect(ec.getResource(apps[0]!).times.RELEASED).toBe(5500);
    // was STARTED at 1000
    expect(ec.getResource(node).times.STARTED).toBeUndefined();
    expect(ec.getResource(node).times.RELEASED).toBe(5500);
  });

  it('does not go on deploying after an abort while its application releases', async () => {
    const { ec, clock } = virtualExperiment();
    const { node } = nodeWithApps(ec, 1, { releaseTime: '5s' }, { discoverTime: '1s', provisionTime: '1s' });
    ec.registerResource('dummy::Node', { discoverTime: 500, failAt: 'discover' });
    ec.deploy();
    await settle(
      clock,
      ec.waitFinished().catch(() => undefined),
    );
    expect(ec.status).toBe('aborted');
    // was DISCOVERED at 1000, PROVISIONED and READY at 2000
    expect(ec.getResource(node).times.DISCOVERED).toBeUndefined();
    expect(ec.getResource(node).times.PROVISIONED).toBeUndefined();
  });

  it('does not finish its run after an abort while its application releases', async () => {
    const { ec, clock } = virtualExperiment();
    // shrunk by fast-check from an experiment of three resources: n runs for 2 s; its
    // application takes 5 s to release; m fails at 1 s
    const { node } = nodeWithApps(ec, 1, { releaseTime: '5s' }, { runTime: '2s' });
    ec.registerResource('dummy::Node', { deployTime: '1s', failAt: 'deploy' });
    ec.deploy(undefined, { waitAllReady: false });
    await settle(
      clock,
      ec.waitFinished().catch(() => undefined),
    );
    expect(ec.status).toBe('aborted');
    // observed: FINISHED at 2000
    expect(ec.getResource(node).times.FINISHED).toBeUndefined();
  });

  it('does not end its stop after an abort while its application releases', async () => {
    const { ec, clock } = virtualExperiment();
    // n stops 500 ms after it started, for 3 s; its application takes 5 s to release; m fails at 1 s
    const { node } = nodeWithApps(ec, 1, { releaseTime: '5s' }, { stopTime: '3s' });
    ec.registerCondition(node, 'STOP', node, 'STARTED', 500);
    ec.registerResource('dummy::Node', { deployTime: '1s', failAt: 'deploy' });
    ec.deploy(undefined, { waitAllReady: false });
    await settle(
      clock,
      ec.waitFinished().catch(() => undefined),
    );
    expect(ec.status).toBe('aborted');
    // observed: STOPPED at 3500
    expect(ec.getResource(node).times.STOPPED).toBeUndefined();
  });
});
