/**
 * `topologies:` entries expand into ordinary resources before the file is checked: every
 * kind, with its node and link counts, its exact names and which nodes each link joins
 * (docs/experiment-files.md#topologies).
 */
import { describe, expect, it } from 'vitest';
import { buildExperiment, parseExperiment } from '../../src/files/index.js';
import type { ExperimentFileDescription } from '../../src/index.js';

/** A file of one topology of dummy nodes and links, with the given kind and size keys. */
function topology(entry: string, resources = ''): string {
  return [
    'topologies:',
    `  - { ${entry}, node: { type: dummy::Node, attributes: { deployTime: 1s } }, link: { type: dummy::Link, attributes: { startTime: 2s } } }`,
    ...(resources === '' ? [] : ['resources:', resources]),
  ].join('\n');
}

const expand = (text: string, parameters?: Record<string, string | number>) =>
  parseExperiment(text, { file: 'topo.yaml', ...(parameters ? { parameters } : {}) });

/** Names of the nodes, and each link as `name: a b` with the nodes it connects, in order. */
function graph(description: ExperimentFileDescription): { nodes: string[]; links: string[] } {
  const entries = Object.entries(description.resources);
  return {
    nodes: entries.filter(([, r]) => r.type === 'dummy::Node').map(([name]) => name),
    links: entries.filter(([, r]) => r.type === 'dummy::Link').map(([name, r]) => `${name}: ${r.connect!.join(' ')}`),
  };
}

describe('a topology', () => {
  it('linear 4: a chain of 4 nodes h1..h4 and 3 links l1-2, l2-3, l3-4', () => {
    const { description } = expand(topology('kind: linear, nodes: 4, prefix: h'));
    expect(graph(description)).toEqual({ nodes: ['h1', 'h2', 'h3', 'h4'], links: ['l1-2: h1 h2', 'l2-3: h2 h3', 'l3-4: h3 h4'] });
  });

  it('linear 1: one node and no link', () => {
    expect(graph(expand(topology('kind: linear, nodes: 1, prefix: h')).description)).toEqual({ nodes: ['h1'], links: [] });
  });

  it('ring 5: 5 nodes and 5 links, the last one closing the cycle from h5 to h1', () => {
    const { description } = expand(topology('kind: ring, nodes: 5, prefix: h'));
    expect(graph(description)).toEqual({
      nodes: ['h1', 'h2', 'h3', 'h4', 'h5'],
      links: ['l1-2: h1 h2', 'l2-3: h2 h3', 'l3-4: h3 h4', 'l4-5: h4 h5', 'l5-1: h5 h1'],
    });
  });

  it('star 4: a centre h0 and 4 leaves h1..h4, 4 links l0-1..l0-4', () => {
    const { description } = expand(topology('kind: star, nodes: 4, prefix: h'));
    expect(graph(description)).toEqual({
      nodes: ['h0', 'h1', 'h2', 'h3', 'h4'],
      links: ['l0-1: h0 h1', 'l0-2: h0 h2', 'l0-3: h0 h3', 'l0-4: h0 h4'],
    });
  });

  it('tree depth 2 fanout 3: 1 + 3 + 9 = 13 nodes numbered level by level from the root t0, 12 links from parent to child', () => {
    const { description } = expand(topology('kind: tree, depth: 2, fanout: 3, prefix: t'));
    const { nodes, links } = graph(description);
    expect(nodes).toEqual(Array.from({ length: 13 }, (_, i) => `t${i}`));
    expect(links).toEqual([
      'l0-1: t0 t1',
      'l0-2: t0 t2',
      'l0-3: t0 t3',
      'l1-4: t1 t4',
      'l1-5: t1 t5',
      'l1-6: t1 t6',
      'l2-7: t2 t7',
      'l2-8: t2 t8',
      'l2-9: t2 t9',
      'l3-10: t3 t10',
      'l3-11: t3 t11',
      'l3-12: t3 t12',
    ]);
  });

  it('tree depth 3 fanout 2: 15 nodes, 14 links; fanout 1 is a chain from t0', () => {
    const binary = graph(expand(topology('kind: tree, depth: 3, fanout: 2, prefix: t')).description);
    expect([binary.nodes.length, binary.links.length]).toEqual([15, 14]);
    expect(binary.links.slice(-2)).toEqual(['l6-13: t6 t13', 'l6-14: t6 t14']);
    expect(graph(expand(topology('kind: tree, depth: 2, fanout: 1, prefix: t')).description)).toEqual({
      nodes: ['t0', 't1', 't2'],
      links: ['l0-1: t0 t1', 'l1-2: t1 t2'],
    });
  });

  it('mesh 4: 4 nodes and a link for each of the 6 pairs', () => {
    const { description } = expand(topology('kind: mesh, nodes: 4, prefix: m'));
    expect(graph(description)).toEqual({
      nodes: ['m1', 'm2', 'm3', 'm4'],
      links: ['l1-2: m1 m2', 'l1-3: m1 m3', 'l1-4: m1 m4', 'l2-3: m2 m3', 'l2-4: m2 m4', 'l3-4: m3 m4'],
    });
  });

  it('ladder 3: two chains ha1..ha3 and hb1..hb3 (6 nodes), their 4 rails and 3 rungs (7 links)', () => {
    const { description } = expand(topology('kind: ladder, nodes: 3, prefix: h'));
    expect(graph(description)).toEqual({
      nodes: ['ha1', 'ha2', 'ha3', 'hb1', 'hb2', 'hb3'],
      links: ['la1-a2: ha1 ha2', 'la2-a3: ha2 ha3', 'lb1-b2: hb1 hb2', 'lb2-b3: hb2 hb3', 'la1-b1: ha1 hb1', 'la2-b2: ha2 hb2', 'la3-b3: ha3 hb3'],
    });
  });

  it.each([
    ['linear', 'nodes: 10', 10, 9],
    ['ring', 'nodes: 3', 3, 3],
    ['star', 'nodes: 1', 2, 1],
    ['tree', 'depth: 4, fanout: 3', 121, 120],
    ['mesh', 'nodes: 10', 10, 45],
    ['ladder', 'nodes: 1', 2, 1],
    ['ladder', 'nodes: 10', 20, 28],
  ])('%s with %s: %i nodes and %i links', (kind, size, nodes, links) => {
    const made = graph(expand(topology(`kind: ${kind}, ${size}, prefix: n`)).description);
    expect([made.nodes.length, made.links.length]).toEqual([nodes, links]);
    expect(new Set([...made.nodes, ...made.links.map((l) => l.split(':')[0])]).size).toBe(nodes + links);
  });

  it('gives every resource a copy of its template, the link its two nodes first', () => {
    const { description } = expand(topology('kind: linear, nodes: 2, prefix: h'));
    expect(description.resources).toEqual({
      h1: { type: 'dummy::Node', attributes: { deployTime: '1s' } },
      h2: { type: 'dummy::Node', attributes: { deployTime: '1s' } },
      'l1-2': { type: 'dummy::Link', connect: ['h1', 'h2'], attributes: { startTime: '2s' } },
    });
    expect(description.resources['h1']!.attributes).not.toBe(description.resources['h2']!.attributes);
  });

  it('names its links with linkPrefix, and comes before the file’s own resources, which connect to and wait for its names', async () => {
    const text = [
      'expId: mixed',
      'resources:',
      '  app: { type: dummy::Application, connect: [r3], conditions: [{ action: START, group: [core1-2, r1], state: READY }] }',
      'topologies:',
      '  - kind: ring',
      '    nodes: 3',
      '    prefix: r',
      '    linkPrefix: core',
      '    node: { type: dummy::Node, conditions: [{ action: START, group: [app], state: READY }] }',
      '    link: { type: dummy::Link }',
    ].join('\n');
    const { description, topologies } = expand(text);
    expect(Object.keys(description.resources)).toEqual(['r1', 'r2', 'r3', 'core1-2', 'core2-3', 'core3-1', 'app']);
    expect(description.resources['r2']!.conditions).toEqual([{ action: 'START', group: ['app'], state: 'READY' }]);
    expect(topologies).toEqual([{ path: ['topologies', 0], kind: 'ring', nodes: ['r1', 'r2', 'r3'], links: ['core1-2', 'core2-3', 'core3-1'] }]);
    // and it is an experiment like any other
    const ec = buildExperiment(description, { record: false });
    expect(ec.describe().resources['core3-1']!.type).toBe('dummy::Link');
    await ec.shutdown();
  });

  it('takes its sizes and template values from ${parameters}', () => {
    const text = [
      'topologies:',
      '  - kind: ${kind}',
      '    nodes: ${n}',
      '    prefix: ${prefix}',
      '    node: { type: dummy::Node, attributes: { deployTime: "${t}ms" } }',
      '    link: { type: dummy::Link }',
    ].join('\n');
    const { description } = expand(text, { kind: 'mesh', n: 8, prefix: 'x', t: 5 });
    expect(graph(description).nodes).toHaveLength(8);
    expect(graph(description).links).toHaveLength(28);
    expect(description.resources['x8']!.attributes).toEqual({ deployTime: '5ms' });
  });

  it('may be the whole file: resources are optional beside topologies', () => {
    expect(Object.keys(expand(topology('kind: linear, nodes: 2, prefix: h')).description.resources)).toEqual(['h1', 'h2', 'l1-2']);
  });

  it('several topologies of one file, with their own prefixes, side by side and joined by a resource of the file', () => {
    const text = [
      'topologies:',
      '  - { kind: star, nodes: 2, prefix: a, linkPrefix: la, node: { type: dummy::Node }, link: { type: dummy::Link } }',
      '  - { kind: star, nodes: 2, prefix: b, linkPrefix: lb, node: { type: dummy::Node }, link: { type: dummy::Link } }',
      'resources:',
      '  bridge: { type: dummy::Link, connect: [a0, b0] }',
    ].join('\n');
    expect(graph(expand(text).description)).toEqual({
      nodes: ['a0', 'a1', 'a2', 'b0', 'b1', 'b2'],
      links: ['la0-1: a0 a1', 'la0-2: a0 a2', 'lb0-1: b0 b1', 'lb0-2: b0 b2', 'bridge: a0 b0'],
    });
  });

  it('is expanded in a description held in memory too (buildExperiment)', async () => {
    const ec = buildExperiment(
      {
        expId: 'in-memory',
        topologies: [{ kind: 'linear', nodes: 3, prefix: 'h', node: { type: 'dummy::Node' }, link: { type: 'dummy::Link' } }],
        resources: {},
      },
      { record: false },
    );
    expect(Object.keys(ec.describe().resources)).toEqual(['h1', 'h2', 'h3', 'l1-2', 'l2-3']);
    await ec.shutdown();
    expect(() =>
      buildExperiment(
        { topologies: [{ kind: 'linear', nodes: 3, prefix: 'h', node: { type: 'dummy::Nod' }, link: { type: 'dummy::Link' } }], resources: {} },
        { record: false },
      ),
    ).toThrow("<description>: topologies[0].node.type: unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?");
  });
});
