import { describe, expect, it } from 'vitest';
import { experimentToDot } from '../../src/graph/dot.js';
import { defaultRegistry } from '../../src/resources/registry.js';

const description = {
  expId: 'demo',
  resources: {
    node: { type: 'linux::Node' },
    server: { type: 'linux::Application', connect: ['node'], attributes: { command: 'x' } },
    'my "client"': {
      type: 'linux::Application',
      connect: ['node'],
      conditions: [{ action: 'START' as const, group: ['server', 'node'], state: 'STARTED' as const, time: '1s' }],
    },
  },
};

describe('experimentToDot', () => {
  it('draws one node per resource with its name and type, coloured by type', () => {
    const dot = experimentToDot(description, { registry: defaultRegistry });
    expect(dot).toMatch(/^digraph "demo" \{\n/);
    expect(dot).toContain('"node" [label="node\\nlinux::Node", fillcolor="#c6dbef"');
    expect(dot).toContain('"server" [label="server\\nlinux::Application", fillcolor="#c7e9c0"');
    // names are quoted and escaped
    expect(dot).toContain('"my \\"client\\"" [label="my \\"client\\"\\nlinux::Application", fillcolor="#c7e9c0"');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('draws each connection once, from the dependency to its dependent, without arrowheads', () => {
    const dot = experimentToDot(description, { registry: defaultRegistry });
    const connections = dot.split('\n').filter((line) => line.includes('dir=none'));
    expect(connections).toEqual([
      '  "node" -> "server" [dir=none, penwidth=1.5, tooltip="node -- server"];',
      '  "node" -> "my \\"client\\"" [dir=none, penwidth=1.5, tooltip="node -- my \\"client\\""];',
    ]);
  });

  it('draws a dashed arrow from each member of a condition group to the resource whose action waits', () => {
    const dot = experimentToDot(description, { registry: defaultRegistry });
    const conditions = dot.split('\n').filter((line) => line.includes('style=dashed'));
    expect(conditions).toEqual([
      '  "server" -> "my \\"client\\"" [style=dashed, color="#555555", fontcolor="#555555", label="START after STARTED +1s"];',
      '  "node" -> "my \\"client\\"" [style=dashed, color="#555555", fontcolor="#555555", label="START after STARTED +1s"];',
    ]);
  });
});

describe('dotToSvg', () => {
  it('reports what Graphviz could not read as a NepiError', async () => {
    const { dotToSvg } = await import('../../src/graph/svg.js');
    await expect(dotToSvg('digraph { a -> }')).rejects.toThrow(/^Graphviz could not draw the graph: syntax error/);
  });
});
