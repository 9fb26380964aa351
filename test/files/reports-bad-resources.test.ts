import { describe, expect, it } from 'vitest';
import { at, loadError, useTempFiles } from './temp-files.js';

const cases: [string, string[], (lines: string[]) => string][] = [
  [
    'a resource that is not a mapping',
    ['resources:', '  node: dummy::Node'],
    (l) => `${at(l, 2, 'dummy')}: resources.node: expected a mapping with 'type', got "dummy::Node"`,
  ],
  ['a missing type', ['resources:', '  node: { connect: [] }'], (l) => `${at(l, 2, 'node')}: resources.node: missing 'type'`],
  [
    'an unknown type, with the nearest registered one',
    ['resources:', '  node: { type: dummy::Nod }'],
    (l) => `${at(l, 2, 'dummy')}: resources.node.type: unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?`,
  ],
  [
    'a type that is not a name',
    ['resources:', '  node: { type: [dummy::Node] }'],
    (l) => `${at(l, 2, '[')}: resources.node.type: expected a resource type name such as 'backend::Name', got a list`,
  ],
  [
    'an unknown resource key, with the nearest one',
    ['resources:', '  node:', '    type: dummy::Node', '    atributes: {}'],
    (l) => `${at(l, 4, 'atributes')}: resources.node.atributes: unknown key 'atributes' - did you mean 'attributes'?`,
  ],
  [
    'an unknown resource key with no near one',
    ['resources:', '  node:', '    type: dummy::Node', '    colour: red'],
    (l) => `${at(l, 4, 'colour')}: resources.node.colour: unknown key 'colour': expected type, connect, attributes, conditions or plan`,
  ],
  ['an empty resource name', ['resources:', '  "": { type: dummy::Node }'], (l) => `${at(l, 2, '""')}: resources[""]: a resource name must not be empty`],
];

describe('a bad resource', () => {
  const files = useTempFiles();

  it.each(cases)('is reported: %s', async (_, lines, expected) => {
    const file = await files.write('bad.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:${expected(lines)}`);
  });
});
