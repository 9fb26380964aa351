/**
 * What is wrong in a `topologies:` entry is reported where it was written: the entry's own
 * keys, and what the resources made from a template would have wrong, at the template
 * (`topologies[0].node.attributes.forwrding`), once for all of them.
 */
import { describe, expect, it } from 'vitest';
import { at, loadError, useTempFiles } from './temp-files.js';

const NODE = 'node: { type: dummy::Node }';
const LINK = 'link: { type: dummy::Link }';

const cases: [string, string[], (lines: string[]) => string][] = [
  ['topologies that are not a list', ['topologies: { kind: linear }'], (l) => `${at(l, 1, '{')}: topologies: expected a list of topologies, got a mapping`],
  [
    'an entry that is not a mapping',
    ['topologies:', '  - linear'],
    (l) => `${at(l, 2, 'linear')}: topologies[0]: expected a mapping with 'kind', 'prefix', 'node' and 'link', got "linear"`,
  ],
  [
    'an unknown key in an entry, with the nearest one',
    ['topologies:', `  - { kind: linear, nodes: 2, prefx: h, ${NODE}, ${LINK} }`],
    (l) =>
      [`${at(l, 2, '{')}: topologies[0]: missing 'prefix'`, `${at(l, 2, 'prefx')}: topologies[0].prefx: unknown key 'prefx' - did you mean 'prefix'?`].join(
        '\n',
      ),
  ],
  [
    'an unknown kind',
    ['topologies:', `  - { kind: lineer, nodes: 2, prefix: h, ${NODE}, ${LINK} }`],
    (l) => `${at(l, 2, 'lineer')}: topologies[0].kind: unknown topology kind "lineer" - did you mean 'linear'?`,
  ],
  [
    'a count that is no whole number',
    ['topologies:', `  - { kind: mesh, nodes: 2.5, prefix: h, ${NODE}, ${LINK} }`],
    (l) => `${at(l, 2, '2.5')}: topologies[0].nodes: expected a whole number of nodes, at least 1 for a mesh topology, got 2.5`,
  ],
  [
    'a ring too small to be one',
    ['topologies:', '  - kind: ring', '    nodes: 2', '    prefix: r', `    ${NODE}`, `    ${LINK}`],
    (l) => `${at(l, 3, '2')}: topologies[0].nodes: expected a whole number of nodes in the cycle, at least 3 for a ring topology, got 2`,
  ],
  [
    'a tree without its fanout, and with nodes',
    ['topologies:', `  - { kind: tree, depth: 2, nodes: 5, prefix: t, ${NODE}, ${LINK} }`],
    (l) =>
      [
        `${at(l, 2, '{')}: topologies[0]: missing 'fanout': the number of children of each inner node of a tree`,
        `${at(l, 2, 'nodes')}: topologies[0].nodes: a tree has no 'nodes': its size is its 'depth' and 'fanout'`,
      ].join('\n'),
  ],
  [
    'a depth on a kind that is not a tree',
    ['topologies:', `  - { kind: star, nodes: 3, depth: 2, prefix: s, ${NODE}, ${LINK} }`],
    (l) => `${at(l, 2, 'depth')}: topologies[0].depth: a star topology has no 'depth' (only a tree has): its size is 'nodes'`,
  ],
  [
    'a topology too big to be meant',
    ['topologies:', `  - { kind: mesh, nodes: 1000, prefix: m, ${NODE}, ${LINK} }`],
    (l) => `${at(l, 2, '1000')}: topologies[0].nodes: this mesh topology would make 500500 resources; a topology makes at most 100000`,
  ],
  [
    'a tree too deep to be meant',
    ['topologies:', `  - { kind: tree, depth: 1000, fanout: 2, prefix: t, ${NODE}, ${LINK} }`],
    (l) => `${at(l, 2, '1000')}: topologies[0].depth: this tree topology would make more than 100000 resources; a topology makes at most 100000`,
  ],
  [
    'a prefix that cannot start a plain name',
    ['topologies:', `  - { kind: linear, nodes: 2, prefix: "1/", ${NODE}, ${LINK} }`],
    (l) =>
      `${at(l, 2, '"1/"')}: topologies[0].prefix: expected the start of the names it makes, a letter or '_' then letters, digits, '_' or '-' (such as 'h'), got "1/"`,
  ],
  [
    'missing templates',
    ['topologies:', '  - kind: linear', '    nodes: 2', '    prefix: h'],
    (l) => `${at(l, 2, 'kind')}: topologies[0]: missing 'node' and 'link'`,
  ],
  [
    'an unknown type in a template',
    ['topologies:', '  - kind: linear', '    nodes: 4', '    prefix: h', '    node: { type: dummy::Nod }', `    ${LINK}`],
    (l) => `${at(l, 5, 'dummy::Nod')}: topologies[0].node.type: unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?`,
  ],
  [
    'a bad attribute in a template, once for all four nodes',
    [
      'topologies:',
      '  - kind: linear',
      '    nodes: 4',
      '    prefix: h',
      '    node:',
      '      type: dummy::Node',
      '      attributes: { deployTme: 1s }',
      `    ${LINK}`,
    ],
    (l) => `${at(l, 7, 'deployTme')}: topologies[0].node.attributes.deployTme: type 'dummy::Node' has no attribute 'deployTme' - did you mean 'deployTime'?`,
  ],
  [
    'a bad attribute value in a link template',
    ['topologies:', '  - kind: ring', '    nodes: 3', '    prefix: r', `    ${NODE}`, '    link: { type: dummy::Link, attributes: { failAt: never } }'],
    (l) =>
      `${at(l, 6, 'never')}: topologies[0].link.attributes.failAt: attribute 'failAt' expects one of 'none', 'discover', 'provision', 'deploy', 'start', 'stop', 'release', 'run', 'set', got "never" (string)`,
  ],
  [
    'a template without a type',
    ['topologies:', '  - kind: linear', '    nodes: 2', '    prefix: h', '    node: { attributes: { deployTime: 1s } }', `    ${LINK}`],
    (l) => `${at(l, 5, 'node')}: topologies[0].node: missing 'type'`,
  ],
  [
    'a template that is not a mapping',
    ['topologies:', '  - kind: linear', '    nodes: 2', '    prefix: h', '    node: dummy::Node', `    ${LINK}`],
    (l) => `${at(l, 5, 'dummy::Node')}: topologies[0].node: expected a mapping with 'type', got "dummy::Node"`,
  ],
  [
    'an unknown key and connect in templates',
    [
      'topologies:',
      '  - kind: linear',
      '    nodes: 2',
      '    prefix: h',
      '    node: { type: dummy::Node, atributes: {} }',
      '    link: { type: dummy::Link, connect: [h1] }',
    ],
    (l) =>
      [
        `${at(l, 5, 'atributes')}: topologies[0].node.atributes: unknown key 'atributes' - did you mean 'attributes'?`,
        `${at(l, 6, 'connect')}: topologies[0].link.connect: a link template has no 'connect': the topology connects each link to its two nodes`,
      ].join('\n'),
  ],
  [
    'a condition of a template that waits for an unknown resource',
    [
      'topologies:',
      '  - kind: star',
      '    nodes: 2',
      '    prefix: s',
      '    node: { type: dummy::Node, conditions: [{ action: START, group: [s3], state: READY }] }',
      `    ${LINK}`,
    ],
    (l) => `${at(l, 5, 's3')}: topologies[0].node.conditions[0].group[0]: unknown resource 's3' - did you mean 's0'?`,
  ],
  [
    'a resource of the file that refers to a name no topology makes',
    ['topologies:', `  - { kind: linear, nodes: 2, prefix: h, ${NODE}, ${LINK} }`, 'resources:', '  app: { type: dummy::Application, connect: [h3] }'],
    (l) => `${at(l, 4, 'h3')}: resources.app.connect[0]: unknown resource 'h3' - did you mean 'h1'?`,
  ],
  [
    'a name the file defines too, naming both places',
    [
      'topologies:',
      `  - { kind: linear, nodes: 3, prefix: h, ${NODE}, ${LINK} }`,
      'resources:',
      '  h2: { type: dummy::Node }',
      '  l2-3: { type: dummy::Node }',
    ],
    (l) =>
      [
        `${at(l, 4, 'h2')}: resources.h2: resource 'h2' is also made by topologies[0] (FILE:${at(l, 2, '{')}): rename this resource, or give the topology another prefix`,
        `${at(l, 5, 'l2-3')}: resources.l2-3: resource 'l2-3' is also made by topologies[0] (FILE:${at(l, 2, '{')}): rename this resource, or give the topology another linkPrefix`,
      ].join('\n'),
  ],
  [
    'two topologies that make the same names',
    ['topologies:', `  - { kind: linear, nodes: 3, prefix: h, ${NODE}, ${LINK} }`, `  - { kind: ring, nodes: 4, prefix: r, ${NODE}, ${LINK} }`],
    (l) =>
      `${at(l, 3, '{')}: topologies[1]: this topology makes 'l1-2' (and 1 more name), which topologies[0] (FILE:${at(l, 2, '{')}) makes too: give one of them another linkPrefix`,
  ],
  [
    'two topologies with one prefix',
    ['topologies:', `  - { kind: linear, nodes: 3, prefix: h, ${NODE}, ${LINK} }`, `  - { kind: star, nodes: 4, prefix: h, linkPrefix: s, ${NODE}, ${LINK} }`],
    (l) =>
      `${at(l, 3, 'h,')}: topologies[1].prefix: this topology makes 'h1' (and 2 more names), which topologies[0] (FILE:${at(l, 2, '{')}) makes too: give one of them another prefix`,
  ],
  [
    'a prefix that makes a node named like a link of the same topology',
    ['topologies:', `  - { kind: linear, nodes: 2, prefix: l1-, ${NODE}, ${LINK} }`],
    (l) => `${at(l, 2, 'l1-,')}: topologies[0].prefix: this topology makes 'l1-2' twice, as a node and as a link: give it another prefix or linkPrefix`,
  ],
  [
    'a cycle through a template’s condition, at the template (the second pass)',
    [
      'topologies:',
      '  - kind: linear',
      '    nodes: 2',
      '    prefix: h',
      '    node: { type: dummy::Node, conditions: [{ action: DEPLOY, group: [h1], state: READY }] }',
      `    ${LINK}`,
    ],
    (l) =>
      `${at(l, 5, '{ action')}: topologies[0].node.conditions[0]: conditions form a cycle and can never hold: 'h1' DEPLOY waits for 'h1' READY (condition)`,
  ],
  [
    'a link type that does not connect to the node type, at the link template (the second pass)',
    ['topologies:', '  - kind: linear', '    nodes: 2', '    prefix: h', `    ${NODE}`, '    link: { type: netns::Link }'],
    (l) => `${at(l, 6, 'link')}: topologies[0].link: resource 'l1-2' (netns::Link) cannot connect to 'h1' (dummy::Node); netns::Link connects to netns::Node`,
  ],
];

describe('a bad topology', () => {
  const files = useTempFiles();

  it.each(cases)('is reported at its place: %s', async (_, lines, expected) => {
    const file = await files.write('topo.yaml', ...lines);
    const error = await loadError(file);
    const message = expected(lines)
      .split('\n')
      .map((line) => `${file}:${line.replaceAll('FILE', file)}`)
      .join('\n');
    expect(error.message).toBe(message);
  });

  it('says which parameter a bad size came from', async () => {
    const lines = ['topologies:', `  - { kind: ring, nodes: "\${n}", prefix: r, ${NODE}, ${LINK} }`];
    const file = await files.write('topo.yaml', ...lines);
    const error = await loadError(file, { parameters: { n: 1 } });
    expect(error.message).toBe(
      `${file}:${at(lines, 2, '"${n}')}: topologies[0].nodes: expected a whole number of nodes in the cycle, at least 3 for a ring topology, got 1 (from \${n} = 1)`,
    );
  });

  it('that cannot be expanded hides what only refers to its names', async () => {
    const lines = [
      'topologies:',
      `  - { kind: linear, nodes: 0, prefix: h, ${NODE}, ${LINK} }`,
      'resources:',
      '  app: { type: dummy::Application, connect: [h1] }',
    ];
    const file = await files.write('topo.yaml', ...lines);
    const error = await loadError(file);
    expect(error.problems.map((p) => p.path)).toEqual(['topologies[0].nodes']);
  });
});
