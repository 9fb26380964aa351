import { describe, expect, it } from 'vitest';
import { StepTimeoutError, type TryReport } from '../../../src/index.js';
import { settle, virtualExperiment } from '../../helpers.js';
import { aborts, FlakyNode, StubbornNode } from './types.js';

describe('step timeouts', () => {
  it('fails a deploy that ignores its abort signal once deployTimeout expires, and aborts its signal', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource(StubbornNode, { deployTimeout: '2s', critical: false }, { name: 'stubborn' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('FAILED');
    expect(ec.getResource(node).times.FAILED).toBe(2000);
    const failure = ec.failures[0]!;
    expect(failure).toMatchObject({ guid: node, step: 'deploy', time: 2000 });
    expect(failure.error).toBeInstanceOf(StepTimeoutError);
    expect((failure.error as Error).message).toBe("step 'deploy' of 'stubborn' timed out: its deployTimeout of 2s expired");
    expect((failure.error as StepTimeoutError).timeout).toBe(2000);
    // the step was told through its signal, with the timeout as the reason
    expect(aborts.get(node)).toEqual([failure.error]);
    await settle(clock, ec.shutdown());
    expect(ec.state(node)).toBe('RELEASED');
  });

  it('retries a try that timed out, each try with its own timeout', async () => {
    const { ec, clock } = virtualExperiment();
    const tries: TryReport[] = [];
    ec.onTry((report) => tries.push(report));
    const node = ec.registerResource(StubbornNode, { deployTimeout: '1s', retries: 2, retryDelay: '1s', critical: false }, { name: 'twice' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('FAILED');
    // tries at 0-1 s, 2-3 s and 5-6 s
    expect(tries.map(({ attempt, outcome, time, nextDelay }) => ({ attempt, outcome, time, nextDelay }))).toEqual([
      { attempt: 1, outcome: 'timeout', time: 1000, nextDelay: 1000 },
      { attempt: 2, outcome: 'timeout', time: 3000, nextDelay: 2000 },
      { attempt: 3, outcome: 'timeout', time: 6000, nextDelay: undefined },
    ]);
    expect(aborts.get(node)).toHaveLength(3);
    expect((ec.failures[0]!.error as Error).message).toBe(
      "step 'deploy' failed 3 times; the last try: step 'deploy' of 'twice' timed out: its deployTimeout of 1s expired",
    );
    await settle(clock, ec.shutdown());
  });

  it('lets a step that ends in time succeed, and leaves no timer behind', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource(FlakyNode, { deployTime: '999ms', deployTimeout: '1s' });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('STARTED');
    expect(ec.getResource(node).times.READY).toBe(999);
    expect(clock.pending).toBe(0);
    await settle(clock, ec.shutdown());
  });

  it('limits start with startTimeout', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource(FlakyNode, { startTime: '1m', startTimeout: '30s', critical: false });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('FAILED');
    expect(ec.failures[0]).toMatchObject({ step: 'start', time: 30_000 });
    expect((ec.failures[0]!.error as Error).message).toContain('its startTimeout of 30s expired');
    await settle(clock, ec.shutdown());
  });

  it('limits stop with stopTimeout', async () => {
    const { ec, clock } = virtualExperiment();
    const node = ec.registerResource(FlakyNode, { stopTime: '10s', stopTimeout: '1.5s', critical: false });
    ec.registerCondition(node, 'STOP', node, 'STARTED', '1s');
    ec.deploy();
    await clock.runAll();
    expect(ec.state(node)).toBe('FAILED');
    expect(ec.failures[0]).toMatchObject({ step: 'stop', time: 2500 });
    expect((ec.failures[0]!.error as Error).message).toContain('its stopTimeout of 1.5s expired');
    await settle(clock, ec.shutdown());
  });

  it('aborts the experiment when a critical resource times out', async () => {
    const { ec, clock } = virtualExperiment();
    ec.registerResource(StubbornNode, { deployTimeout: 500 });
    ec.deploy();
    const outcome = ec.waitDeployed().then(
      () => 'deployed',
      (error: Error) => error.message,
    );
    expect(await settle(clock, outcome)).toMatch(
      /experiment aborted: .* failed at deploy: step 'deploy' of '.*' timed out: its deployTimeout of 500ms expired/,
    );
    expect(ec.status).toBe('aborted');
    await settle(clock, ec.shutdown());
  });

  it('has no limit when the timeout is unset or 0', async () => {
    const { ec, clock } = virtualExperiment();
    const slow = ec.registerResource(FlakyNode, { deployTime: '3h', deployTimeout: 0 });
    ec.deploy();
    await clock.runAll();
    expect(ec.state(slow)).toBe('STARTED');
    expect(ec.getResource(slow).times.READY).toBe(3 * 3_600_000);
    await settle(clock, ec.shutdown());
  });

  it('gives every type the timeout and retry attributes', async () => {
    const { ec, clock } = virtualExperiment();
    for (const type of ['dummy::Node', 'linux::Node', 'linux::Application']) {
      const guid = ec.registerResource(type, type === 'linux::Application' ? { command: 'true' } : {});
      for (const name of ['deployTimeout', 'startTimeout', 'stopTimeout', 'retries', 'retryDelay']) {
        expect(() => ec.get(guid, name)).not.toThrow();
      }
    }
    // linux::Application keeps its own stopTimeout: the grace before SIGKILL, 5 s by default
    const app = ec.resources[2]!;
    expect(ec.get(app, 'stopTimeout')).toBe(5000);
    expect(ec.get(ec.resources[0]!, 'stopTimeout')).toBeUndefined();
    await settle(clock, ec.shutdown());
  });
});
