/**
 * `delay` and `loss` need netem. Where the kernel has it, a ping across the link sees the
 * delay and the loss; where it has not (this machine: "Specified qdisc kind is unknown"),
 * the link fails at deploy with an error that says so and the run is released. Which case
 * applies is found independently, by asking tc for netem in a scratch namespace.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExperimentAbortedError, ExperimentController } from '../../../src/index.js';
import { netnsTestDir } from './support.js';

const dir = netnsTestDir('netem');
let kernelHasNetem = false;

beforeAll(() => {
  const scratch = `netemcheck-${process.pid}`;
  execFileSync('ip', ['netns', 'add', scratch]);
  try {
    execFileSync('tc', ['-n', scratch, 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'], { stdio: 'pipe' });
    kernelHasNetem = true;
  } catch (error) {
    expect(String((error as { stderr?: Buffer }).stderr)).toContain('Specified qdisc kind is unknown');
  } finally {
    execFileSync('ip', ['netns', 'del', scratch]);
  }
  console.log(`this kernel ${kernelHasNetem ? 'has' : 'has no'} netem`);
});

function pingAcross(link: Record<string, unknown>): ExperimentController {
  const ec = new ExperimentController({ localDir: dir.path, expId: 'netem' });
  ec.registerResource('netns::Node', {}, { name: 'h1' });
  ec.registerResource('netns::Node', {}, { name: 'h2' });
  ec.registerResource('netns::Link', link, { name: 'link' });
  ec.registerConnection('link', 'h1');
  ec.registerConnection('link', 'h2');
  ec.registerResource('linux::Ping', { target: 'h2', count: 4, interval: '200ms', critical: false }, { name: 'ping' });
  ec.registerConnection('ping', 'h1');
  return ec;
}

describe('delay and loss', () => {
  it('delay: ping sees twice the delay where netem exists; elsewhere the link fails at deploy saying the kernel lacks netem', async () => {
    const ec = pingAcross({ delay: '50ms' });
    const summary = await ec.run();
    if (kernelHasNetem) {
      expect(summary.status).toBe('released');
      const rtt = (summary.resources['ping']!.results as { rtt: { min: number; max: number } }).rtt;
      expect(rtt.min).toBeGreaterThanOrEqual(100);
      expect(rtt.max).toBeLessThan(2000);
    } else {
      expect(summary.status).toBe('aborted');
      expect(summary.failures).toHaveLength(1);
      const [failure] = summary.failures;
      expect(failure).toMatchObject({ guid: 'link', type: 'netns::Link', step: 'deploy' });
      expect(failure!.error).toContain("resource 'link' (netns::Link): 'delay' and 'loss' need the netem queueing discipline, and this kernel has no netem");
      expect(failure!.error).toContain('Specified qdisc kind is unknown');
      expect(ec.failures[0]!.error).toBeInstanceOf(Error);
      expect((ec.failures[0]!.error as Error).name).toBe('NetemUnavailableError');
      expect(summary.resources['ping']!.results).toBeUndefined();
    }
  });

  it('loss: 100% loss loses every ping where netem exists; elsewhere the same clear error', async () => {
    const ec = pingAcross({ loss: 100, critical: !kernelHasNetem });
    ec.deploy();
    if (kernelHasNetem) {
      await ec.waitFinished('ping');
      const summary = await ec.shutdown();
      expect(summary.resources['ping']!.results).toMatchObject({ transmitted: 4, received: 0, loss: 100 });
    } else {
      const error = await ec.waitFinished('ping').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExperimentAbortedError);
      expect(String(error)).toContain('this kernel has no netem');
      await ec.shutdown();
    }
  });
});
