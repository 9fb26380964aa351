import { describe, expect, it } from 'vitest';
import { formatPath } from '../../src/files/index.js';
import { at, loadError, useTempFiles } from './temp-files.js';

describe('document paths', () => {
  const files = useTempFiles();

  it('use dots for plain names, brackets for indexes and quotes for other names', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['resources', 'client', 'conditions', 0, 'group', 1])).toBe('resources.client.conditions[0].group[1]');
    expect(formatPath(['resources', 'my-app_2', 'type'])).toBe('resources.my-app_2.type');
    expect(formatPath(['resources', 'my client', 'attributes', 'a.b'])).toBe('resources["my client"].attributes["a.b"]');
    expect(formatPath(['resources', '1'])).toBe('resources["1"]');
  });

  it('quote resource names with spaces in messages', async () => {
    const lines = ['resources:', '  my node: { type: dummy::Node, attributes: { size: 1 } }'];
    const file = await files.write('spaces.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:${at(lines, 2, 'size')}: resources["my node"].attributes.size: type 'dummy::Node' has no attribute 'size'`);
  });
});
