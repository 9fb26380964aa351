/**
 * `reattach` (for `nepi resume`): a netns::Node, Link, Switch or Route whose namespace,
 * interface or route still exists is `running` (with what release needs in `ctx.data`);
 * once released, `gone`.
 */
import { describe, expect, it } from 'vitest';
import { NetnsLink, NetnsNode, NetnsRoute, NetnsSwitch } from '../../../src/backends/netns/index.js';
import { ExperimentController, type ResourceType, type StepContext } from '../../../src/index.js';
import { netnsTestDir } from './support.js';

const dir = netnsTestDir('reattach');

/** What a resumed controller's reattach would get: the resource, its connections, empty data. */
function contextOf(ec: ExperimentController, guid: string): StepContext {
  return {
    guid,
    type: ec.getResource(guid).type,
    runDir: ec.runDir,
    data: {},
    get: (name: string) => ec.get(guid, name),
    connections: (type?: string) =>
      ec
        .describe()
        .resources[guid]!.connect!.map((peer) => ({ guid: peer, type: ec.getResource(peer).type, get: (name: string) => ec.get(peer, name) }))
        .filter((peer) => type === undefined || peer.type === type),
  } as unknown as StepContext;
}

async function reattach(type: ResourceType, ec: ExperimentController, guid: string) {
  const ctx = contextOf(ec, guid);
  const outcome = await type.reattach!(ctx, { state: 'STARTED' });
  return { outcome, data: ctx.data };
}

describe('reattach', () => {
  it('finds nodes, links, switches and routes that still exist, and reports them gone once released', async () => {
    const ec = new ExperimentController({ localDir: dir.path, expId: 'reattach' });
    ec.registerResource('netns::Node', {}, { name: 'h1' });
    ec.registerResource('netns::Node', {}, { name: 'h2' });
    ec.registerResource('netns::Link', {}, { name: 'link' });
    ec.registerConnection('link', 'h1');
    ec.registerConnection('link', 'h2');
    ec.registerResource('netns::Switch', {}, { name: 'sw' });
    ec.registerConnection('sw', 'h1');
    ec.registerConnection('sw', 'h2');
    ec.registerResource('netns::Route', { destination: '10.200.0.0/24', via: '10.0.0.2' }, { name: 'route' });
    ec.registerConnection('route', 'h1');
    ec.deploy();
    await ec.waitStarted();

    const cases = [
      [NetnsNode, 'h1'],
      [NetnsLink, 'link'],
      [NetnsSwitch, 'sw'],
      [NetnsRoute, 'route'],
    ] as const;
    for (const [type, guid] of cases) {
      const { outcome, data } = await reattach(type, ec, guid);
      expect(outcome, guid).toEqual({ status: 'running' });
      expect(Object.keys(data).length, guid).toBeGreaterThan(0);
    }
    await ec.shutdown();
    for (const [type, guid] of cases) {
      const { outcome } = await reattach(type, ec, guid);
      expect(outcome.status, guid).toBe('gone');
      expect((outcome as { reason: string }).reason, guid).toMatch(/does not exist|no route/);
    }
  });
});
