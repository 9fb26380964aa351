import { describe, expect, it } from 'vitest';
import { at, loadError, useTempFiles } from './temp-files.js';

const cases: [string, string[], (lines: string[]) => string][] = [
  ['an empty file', [''], () => "1:1: the file is empty: expected a mapping with 'resources'"],
  ['a list instead of a mapping', ['- node', '- app'], () => "1:1: expected a mapping with 'expId' and 'resources', got a list"],
  ['a missing resources key', ['expId: lonely'], () => "1:1: missing 'resources'"],
  [
    'resources given as a list',
    ['resources:', '  - node'],
    (l) => `${at(l, 2, '-')}: resources: expected a mapping of resource names to resources, got a list`,
  ],
  ['an unknown top-level key with a near name', ['expid: x', 'resources: {}'], () => "1:1: expid: unknown key 'expid' - did you mean 'expId'?"],
  [
    'an unknown top-level key with no near name',
    ['resources: {}', 'owner: me'],
    () => "2:1: owner: unknown key 'owner': expected expId, types, topologies or resources",
  ],
  ['an expId that is not a string', ['expId: 42', 'resources: {}'], (l) => `${at(l, 1, '42')}: expId: expected the experiment's name (a string), got 42`],
  [
    'an expId that cannot name a folder',
    ['expId: a/b', 'resources: {}'],
    (l) => `${at(l, 1, 'a/b')}: expId: 'a/b' cannot name a folder: the run directory is <localDir>/<expId>/<runId>`,
  ],
];

describe('a document that is not an experiment', () => {
  const files = useTempFiles();

  it.each(cases)('is reported: %s', async (_, lines, expected) => {
    const file = await files.write('bad.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:${expected(lines)}`);
  });
});
