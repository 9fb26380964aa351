// Found by the fuzzer (test/fuzz): `run` waited forever for a resource whose condition can
// never hold ("deploy 'late' once 'node' FAILED", and the node does not fail): nothing could
// happen any more, yet `nepi run` never ended. Now a run that stalls fails what it still
// waits for, naming the conditions, and ends.
import { describe, expect, it } from 'vitest';
import { settle, virtualExperiment } from '../helpers.js';

describe('a run whose conditions can never hold', () => {
  it('ends, failing what it still waited for', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource('dummy::Node', { critical: false }, { name: 'node' });
    const app = ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'app' });
    const late = ec.registerResource('dummy::Application', { runTime: '1s', critical: false }, { name: 'late' });
    ec.registerConnection(node, app);
    ec.registerConnection(node, late);
    ec.registerCondition(late, 'DEPLOY', node, 'FAILED');
    const summary = await settle(clock, ec.run());
    expect(summary.status).toBe('released');
    // the barrier held app back too: nothing started before the stall
    expect(ec.failures.map((f) => [f.guid, f.step, (f.error as Error).message])).toEqual([
      ['late', 'deploy', "the run stalled: nothing can happen any more and its DEPLOY still waits for 'node' to reach FAILED (condition)"],
    ]);
    expect(ec.getResource(app).times.FINISHED).toBe(1000);
  });

  it('aborts when what it waited for is critical', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node', { runTime: '2s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { runTime: '1s' }, { name: 'b' });
    ec.registerCondition(b, 'START', a, 'FAILED', '1s');
    const summary = await settle(clock, ec.run());
    expect(summary.status).toBe('aborted');
    expect(ec.failures).toMatchObject([{ guid: 'b', step: 'start', time: 2000 }]);
  });

  it('does not end a run that is only waiting for time to pass', async () => {
    const { ec, clock } = virtualExperiment();
    const a = ec.registerResource('dummy::Node', { runTime: '1s' }, { name: 'a' });
    const b = ec.registerResource('dummy::Node', { runTime: '1s' }, { name: 'b' });
    ec.registerCondition(b, 'START', a, 'FINISHED', '1h');
    const summary = await settle(clock, ec.run());
    expect(summary.status).toBe('released');
    expect(ec.failures).toEqual([]);
    expect(ec.getResource(b).times.FINISHED).toBe(3_600_000 + 2000);
    await settle(clock, ec.shutdown());
  });
});
