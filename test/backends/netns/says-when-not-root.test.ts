/**
 * Without root, every netns type fails at discover, before creating anything, saying that it
 * needs root. (Run as root like the other netns tests; the user id is faked.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { leftovers, netnsTestDir, runDirsUnder } from './support.js';

const dir = netnsTestDir('not-root');
afterEach(() => vi.restoreAllMocks());

describe('without root', () => {
  it('fails each netns resource at discover with a message saying it needs root, and creates nothing', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'not-root' });
    for (const name of ['h1', 'h2']) ec.registerResource('netns::Node', { critical: false }, { name });
    ec.registerResource('netns::Link', { critical: false }, { name: 'link' });
    ec.registerConnection('link', 'h1');
    ec.registerConnection('link', 'h2');
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    ec.deploy();
    await ec.waitStarted();
    for (const guid of ['h1', 'h2']) {
      const info = ec.getResource(guid);
      expect(info.state).toBe('FAILED');
      expect(info.step).toBe('discover');
      expect(String(info.error)).toBe(
        `NetnsUnavailableError: resource '${guid}' (netns::Node) needs root to create network namespaces and links; run nepi as root (e.g. sudo)`,
      );
    }
    await ec.shutdown();
    expect(leftovers(runDirsUnder(dir.path))).toEqual([]);
  });
});
