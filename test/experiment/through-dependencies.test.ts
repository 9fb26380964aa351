/**
 * `dependsOn: ['A > B']`: a resource deploys after the B resources connected to the A it is
 * connected to, and is released before them, whichever connection was made first. Also
 * alternatives in type patterns (`A|B`).
 */
import { describe, expect, it } from 'vitest';
import { defineResourceType, ExperimentController, matchesType, TypeRegistry } from '../../src/index.js';
import { runInVirtualTime } from '../../src/testing/index.js';

const registry = new TypeRegistry();
const timed = (ms: number) => ({ deploy: (ctx: { sleep(ms: number): Promise<void> }) => ctx.sleep(ms) });
registry.register(defineResourceType({ type: 't::Host', help: 'a host', connectsTo: ['t::Wire', 't::App'] }));
registry.register(defineResourceType({ type: 't::Other', help: 'another kind of host', connectsTo: ['t::App'] }));
registry.register(
  defineResourceType({
    type: 't::Wire',
    help: 'a wire',
    connectsTo: ['t::Host'],
    dependsOn: ['t::Host'],
    steps: { ...timed(5000), release: (ctx) => ctx.sleep(500) },
  }),
);
registry.register(
  defineResourceType({
    type: 't::App',
    help: 'an app',
    connectsTo: { 't::Host|t::Other': { min: 1, max: 1 } },
    dependsOn: ['t::Host', 't::Host > t::Wire'],
    steps: { ...timed(0), release: (ctx) => ctx.sleep(1000) },
  }),
);

describe('dependencies through a connected resource', () => {
  for (const order of ['app connected first', 'wire connected first'] as const) {
    it(`an app deploys after the wires of its host and is released before them (${order})`, async () => {
      const { resources } = await runInVirtualTime(
        (ec) => {
          ec.registerResource('t::Host', {}, { name: 'host' });
          ec.registerResource('t::Wire', {}, { name: 'wire' });
          ec.registerResource('t::App', {}, { name: 'app' });
          if (order === 'app connected first') ec.registerConnection('app', 'host');
          ec.registerConnection('wire', 'host');
          if (order === 'wire connected first') ec.registerConnection('app', 'host');
        },
        { registry },
      );
      expect(resources['wire']!.times.READY).toBe(5000);
      expect(resources['app']!.times.DISCOVERED).toBe(5000);
      // the app's release (1 s) ends before the wire's (0.5 s) starts
      expect(resources['app']!.times.RELEASED).toBe(6000);
      expect(resources['wire']!.times.RELEASED).toBe(6500);
    });
  }

  it('counts both alternatives of a pattern against its min and max: exactly one host of either kind', () => {
    const ec = new ExperimentController({ registry, record: false });
    ec.registerResource('t::Host', {}, { name: 'host' });
    ec.registerResource('t::Other', {}, { name: 'other' });
    ec.registerResource('t::App', {}, { name: 'app' });
    expect(() => ec.validate()).toThrow("resource 'app' (t::App) must be connected to at least 1 t::Host|t::Other, has 0");
    ec.registerConnection('app', 'other');
    expect(() => ec.validate()).not.toThrow();
    expect(() => ec.registerConnection('app', 'host')).toThrow("resource 'app' (t::App) already has 1 connection(s) to t::Host|t::Other, the most it takes");
  });

  it('matches alternatives in a type pattern', () => {
    expect(matchesType('linux::Node|netns::Node', 'netns::Node')).toBe(true);
    expect(matchesType('linux::Node|netns::Node', 'linux::Node')).toBe(true);
    expect(matchesType('linux::Node|netns::Node', 'dummy::Node')).toBe(false);
    expect(matchesType('netns::Node > netns::Link', 'netns::Link')).toBe(false);
  });
});
