import { describe, expect, it } from 'vitest';
import { at, loadError, useTempFiles } from './temp-files.js';

const DURATION = 'expected a number of milliseconds or a string such as "500ms", "2s", "1.5m", "1h" or "2m30s"';

const cases: [string, string[], (lines: string[]) => string][] = [
  [
    'attributes that are not a mapping',
    ['resources:', '  node: { type: dummy::Node, attributes: [deployTime] }'],
    (l) => `${at(l, 2, '[')}: resources.node.attributes: expected a mapping of attribute names to values, got a list`,
  ],
  [
    'an attribute the type does not have, with the nearest one',
    ['resources:', '  node:', '    type: dummy::Node', '    attributes:', '      deployTme: 1s'],
    (l) => `${at(l, 5, 'deployTme')}: resources.node.attributes.deployTme: type 'dummy::Node' has no attribute 'deployTme' - did you mean 'deployTime'?`,
  ],
  [
    'a duration that is not one',
    ['resources:', '  node:', '    type: dummy::Node', '    attributes:', '      deployTime: 2 parsecs'],
    (l) => `${at(l, 5, '2 parsecs')}: resources.node.attributes.deployTime: attribute 'deployTime' invalid duration "2 parsecs": ${DURATION}`,
  ],
  [
    'a value outside an enum',
    ['resources:', '  node: { type: dummy::Node, attributes: { failAt: never } }'],
    (l) =>
      `${at(l, 2, 'never')}: resources.node.attributes.failAt: attribute 'failAt' expects one of 'none', 'discover', 'provision', 'deploy', 'start', 'stop', 'release', 'run', 'set', got "never" (string)`,
  ],
  [
    'a string where a boolean is expected',
    ['resources:', '  node: { type: dummy::Node, attributes: { critical: yes } }'],
    (l) => `${at(l, 2, 'yes')}: resources.node.attributes.critical: attribute 'critical' expects true or false, got "yes" (string)`,
  ],
  [
    'an empty value',
    ['resources:', '  node:', '    type: dummy::Node', '    attributes:', '      critical:', ''],
    (l) => `${at(l, 5, 'critical')}: resources.node.attributes.critical: attribute 'critical' expects true or false, got null (object)`,
  ],
];

describe('a bad attribute', () => {
  const files = useTempFiles();

  it.each(cases)('is reported: %s', async (_, lines, expected) => {
    const file = await files.write('bad.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:${expected(lines)}`);
  });

  it('is not checked when the type is unknown: the type is the problem', async () => {
    const lines = ['resources:', '  node: { type: dummy::Nodes, attributes: { anything: 1 } }'];
    const file = await files.write('bad.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:${at(lines, 2, 'dummy')}: resources.node.type: unknown resource type 'dummy::Nodes' - did you mean 'dummy::Node'?`);
  });
});
