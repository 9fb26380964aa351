import { describe, expect, it } from 'vitest';
import { loadError, useTempFiles } from './temp-files.js';

describe('YAML syntax errors', () => {
  const files = useTempFiles();

  it('are reported with their line and column, before anything else is checked', async () => {
    const file = await files.write('duplicate.yaml', 'resources:', '  node: { type: dummy::Node }', '  node: { type: dummy::Nod }');
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:3:3: Map keys must be unique`);
    expect([error.file, error.line, error.column, error.path]).toEqual([file, 3, 3, '']);
  });

  it('point at a bad indentation', async () => {
    const file = await files.write('indent.yaml', 'resources:', '  node:', '    type: dummy::Node', '   connect: []');
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:4:1: All mapping items must start at the same column`);
  });

  it('point at a tab used as indentation', async () => {
    const file = await files.write('tabs.yaml', 'resources:', '\tnode: { type: dummy::Node }');
    const error = await loadError(file);
    expect(error.message.split('\n')[0]).toBe(`${file}:2:1: Tabs are not allowed as indentation`);
  });

  it('report an alias to an anchor that does not exist', async () => {
    const file = await files.write('alias.yaml', 'resources:', '  node: *nowhere');
    const error = await loadError(file);
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*nowhere`));
  });
});
