import { describe, expect, it } from 'vitest';
import { InvalidConnectionError } from '../../src/index.js';
import { at, loadError, useTempFiles } from './temp-files.js';

const node = '  node: { type: dummy::Node }';

const cases: [string, string[], (lines: string[]) => string][] = [
  [
    'connect that is not a list',
    ['resources:', node, '  app: { type: dummy::Application, connect: node }'],
    (l) => `${at(l, 3, 'node')}: resources.app.connect: expected a list of resource names, got "node"`,
  ],
  [
    'connect naming an unknown resource',
    ['resources:', node, '  app: { type: dummy::Application, connect: [nod] }'],
    (l) => `${at(l, 3, 'nod')}: resources.app.connect[0]: unknown resource 'nod' - did you mean 'node'?`,
  ],
  [
    'connect listing something that is not a name',
    ['resources:', node, '  app: { type: dummy::Application, connect: [node, { x: 1 }] }'],
    (l) => `${at(l, 3, '{ x')}: resources.app.connect[1]: expected a resource name, got a mapping`,
  ],
  [
    'a resource connected to itself',
    ['resources:', '  node: { type: dummy::Node, connect: [node] }'],
    (l) => `${at(l, 2, 'node', 2)}: resources.node.connect[0]: resource 'node' cannot connect to itself`,
  ],
  [
    'a connection one of the types refuses',
    ['resources:', node, '  a: { type: dummy::Application, connect: [node] }', '  b: { type: dummy::Application, connect: [node, a] }'],
    (l) =>
      `${at(l, 4, 'a]')}: resources.b.connect[1]: resource 'b' (dummy::Application) cannot connect to 'a' (dummy::Application); dummy::Application connects to dummy::Node`,
  ],
  [
    'more connections than a type takes',
    ['resources:', node, '  other: { type: dummy::Node }', '  app: { type: dummy::Application, connect: [node, other] }'],
    (l) => `${at(l, 4, 'other')}: resources.app.connect[1]: resource 'app' (dummy::Application) already has 1 connection(s) to dummy::Node, the most it takes`,
  ],
  [
    'fewer connections than a type needs, at the resource',
    ['resources:', node, '  app:', '    type: dummy::Application'],
    (l) => `${at(l, 3, 'app')}: resources.app: resource 'app' (dummy::Application) must be connected to at least 1 dummy::Node, has 0`,
  ],
];

describe('a bad connection', () => {
  const files = useTempFiles();

  it.each(cases)('is reported: %s', async (_, lines, expected) => {
    const file = await files.write('bad.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:${expected(lines)}`);
  });

  it('keeps the controller error as its cause, and its resource', async () => {
    const file = await files.write('cause.yaml', 'resources:', node, '  app: { type: dummy::Application }');
    const error = await loadError(file);
    expect(error.cause).toBeInstanceOf(InvalidConnectionError);
    expect(error.guid).toBe('app');
    expect(error.type).toBe('dummy::Application');
  });
});
