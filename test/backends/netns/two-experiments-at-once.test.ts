/**
 * Two netns experiments running at once in one process (a campaign, a test): each has its
 * own session, so each takes its links' subnets from its own pool (both get 10.0.0.0/30:
 * their namespaces are apart) and finds its own nodes' addresses; both release everything.
 */
import { describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { netnsTestDir } from './support.js';

describe('two netns experiments at once', () => {
  const dir = netnsTestDir('two');

  function pair(expId: string): ExperimentController {
    const ec = new ExperimentController({ localDir: dir.path, expId });
    ec.registerResource('netns::Node', {}, { name: 'a' });
    ec.registerResource('netns::Node', {}, { name: 'b' });
    ec.registerResource('netns::Link', {}, { name: 'ab' });
    ec.registerConnection('ab', 'a');
    ec.registerConnection('ab', 'b');
    ec.registerResource('linux::Ping', { target: 'b', count: 2, interval: '100ms' }, { name: 'ping' });
    ec.registerConnection('a', 'ping');
    return ec;
  }

  it('keeps their sessions apart and releases both', async () => {
    const [one, two] = [pair('one'), pair('two')];
    const [first, second] = await Promise.all([one.run(), two.run()]);
    for (const summary of [first, second]) {
      expect(summary.failures).toEqual([]);
      // the same first /30 of the pool in each: no session saw the other's claim
      expect(summary.resources['ping']?.results).toMatchObject({ target: '10.0.0.2', transmitted: 2, received: 2, loss: 0 });
      for (const resource of Object.values(summary.resources)) expect(resource.state).toBe('RELEASED');
    }
  });
});
