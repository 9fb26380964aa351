import { describe, expect, it } from 'vitest';
import { LIVE_GRAPH_MAX_RESOURCES, layoutLiveGraph, splinePath, type LiveGraph } from '../../src/ui/live-graph.js';

describe('the live view graph layout', () => {
  it('lays out any resource name (quotes, backslashes, DOT keywords, spaces), and a condition on itself', async () => {
    const names = ['graph', 'a"b', 'x\\y', 'üñí', 'a b', 'edge', '\\N', 'node'];
    const graph = (await layoutLiveGraph({
      resources: names.map((guid, i) => ({ guid, dependsOn: i === 0 ? [] : ['graph'] })),
      connections: names.slice(1).map((name) => ['graph', name] as const),
      conditions: [{ id: 0, guid: 'a b', group: ['a"b', 'a b'] }],
    })) as LiveGraph;
    expect(graph.drawn).toBe(true);
    expect(graph.boxes.map((b) => b.guid)).toEqual(names);
    expect(graph.edges.map((e) => `${e.kind} ${e.from} ${e.to}`)).toEqual([
      ...names.slice(1).map((name) => `connection graph ${name}`),
      'condition a"b a b',
      'condition a b a b',
    ]);
    // every box within the drawing, the same size, the dependency left of its dependents
    for (const box of graph.boxes) {
      expect([box.width, box.height]).toEqual([120, 44]);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(graph.width);
      expect(box.y + box.height).toBeLessThanOrEqual(graph.height);
      if (box.guid !== 'graph') expect(box.x).toBeGreaterThan(graph.boxes[0]!.x + 120);
    }
  });

  it('orients a connection from the dependency to its dependent, whichever side wrote it', async () => {
    const graph = (await layoutLiveGraph({
      resources: [
        { guid: 'app', dependsOn: ['host'] },
        { guid: 'host', dependsOn: [] },
        { guid: 'peer', dependsOn: [] },
      ],
      // as LiveRun records them: [other, guid] for `guid`'s `connect: [other]`
      connections: [
        ['app', 'host'],
        ['host', 'peer'],
      ],
      conditions: [],
    })) as LiveGraph;
    expect(graph.edges.map((e) => `${e.from}-${e.to}`)).toEqual(['host-app', 'host-peer']);
  });

  it('draws no graph above the limit, and says why', async () => {
    const resources = Array.from({ length: LIVE_GRAPH_MAX_RESOURCES + 1 }, (_, i) => ({ guid: `r${i}`, dependsOn: [] }));
    expect(await layoutLiveGraph({ resources, connections: [], conditions: [] })).toEqual({
      drawn: false,
      reason: `301 resources: the graph is drawn up to 300; see the table and the timeline.`,
    });
  });

  it("turns Graphviz's splines into SVG paths, ending at an arrow's tip", () => {
    expect(splinePath('e,100,10 0,0 30,0 60,10 90,10', 5, 1)).toBe('M5,1C35,1 65,11 95,11L105,11');
    expect(splinePath('s,0,0 e,9,9 1,1 2,2 3,3 4,4')).toBe('M0,0L1,1C2,2 3,3 4,4L9,9');
    expect(splinePath('0,0 1,1 2,2 3,3;10,10 11,11 12,12 13,13')).toBe('M0,0C1,1 2,2 3,3M10,10C11,11 12,12 13,13');
  });
});
