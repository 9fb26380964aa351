// Found by the fuzzer (test/fuzz): a RELEASE condition waiting for a state that a member can
// no longer reach held the release forever, and with it the release of everything the
// resource depends on, so `run` and `shutdown` never ended. Shrunk counter-examples:
// - after an abort: 'app' is released after 'node' STOPPED, but the critical 'node' failed;
// - 'app' is released after 'other' READY, but 'other' is released before it gets there.
import { describe, expect, it } from 'vitest';
import { settle, virtualExperiment } from '../helpers.js';

describe('a RELEASE condition that can never hold', () => {
  it('does not hold the release after a critical failure', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node', { discoverTime: '1s', failAt: 'discover' }, { name: 'node' });
    const app = ec.registerResource('dummy::Application', {}, { name: 'app' });
    ec.registerConnection(node, app);
    ec.registerCondition(app, 'RELEASE', node, 'STOPPED', '1s');
    const summary = await settle(clock, ec.run());
    expect(summary.status).toBe('aborted');
    expect(ec.state(app)).toBe('RELEASED');
    expect(ec.state(node)).toBe('RELEASED');
  });

  it('does not hold the release when the member is released before it gets there', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
    const other = ec.registerResource('dummy::Node', { deployTime: '1h' }, { name: 'other' });
    const app = ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'app' });
    ec.registerConnection(node, app);
    ec.registerCondition(app, 'RELEASE', other, 'READY', '5s');
    ec.deploy([node, app]);
    ec.deploy(other, { waitAllReady: false });
    await clock.advance(2000);
    expect(ec.state(app)).toBe('FINISHED');
    const done = ec.shutdown();
    await clock.runAll();
    await done;
    for (const guid of [node, other, app]) expect(ec.state(guid)).toBe('RELEASED');
    expect(ec.getResource(app).times.RELEASED).toBe(2000);
  });

  it('still waits for a member that can get there', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node', { runTime: '3s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { runTime: '1s' }, { name: 'b' });
    ec.registerCondition(b, 'RELEASE', a, 'FINISHED', '2s');
    ec.deploy();
    await clock.advance(1500);
    const released = ec.release(b);
    await clock.runAll();
    await released;
    expect(ec.getResource(b).times.RELEASED).toBe(5000);
    await settle(clock, ec.shutdown());
  });
});

describe('a RELEASE condition on several members', () => {
  it('waits for a member still on its way when another one was released after it counted', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node', { runTime: '1s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { runTime: '5s' }, { name: 'b' });
    const x = ec.registerResource('dummy::Node', {}, { name: 'x' });
    ec.registerCondition(x, 'RELEASE', [a, b], 'FINISHED');
    ec.deploy();
    await clock.advance(2000);
    // a FINISHED (it counts) and is released; b will still finish
    await settle(clock, ec.release(a));
    const released = ec.release(x);
    await clock.runAll();
    await released;
    expect(ec.getResource(x).times.RELEASED).toBe(5000);
    await settle(clock, ec.shutdown());
  });

  it('does not wait for a member released before it got there', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node', { runTime: '1h' }, { name: 'a' });
    const x = ec.registerResource('dummy::Node', {}, { name: 'x' });
    ec.registerCondition(x, 'RELEASE', a, 'FINISHED');
    ec.deploy();
    await clock.advance(1000);
    await settle(clock, ec.release(a));
    const released = ec.release(x);
    await clock.runAll();
    await released;
    expect(ec.getResource(x).times.RELEASED).toBe(1000);
    await settle(clock, ec.shutdown());
  });
});
