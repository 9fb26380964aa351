import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/files/index.js';
import { defineResourceType, TypeRegistry } from '../../src/index.js';
import { useTempFiles } from './temp-files.js';

describe('loader options', () => {
  const files = useTempFiles();

  it("override the file's expId, and make one up when neither gives it", async () => {
    const named = await files.write('named.yaml', 'expId: from-file', 'resources: { node: { type: dummy::Node } }');
    const ec = await loadExperimentFile(named, { record: false, expId: 'from-options' });
    expect(ec.expId).toBe('from-options');
    await ec.shutdown();

    const anonymous = await files.write('anonymous.yaml', 'resources: { node: { type: dummy::Node } }');
    const other = await loadExperimentFile(anonymous, { record: false });
    expect(other.expId).toMatch(/^exp-/);
    await other.shutdown();
  });

  it('look types up in the registry given', async () => {
    const registry = new TypeRegistry();
    registry.register(defineResourceType({ type: 'test::Thing', help: 'A thing.', attributes: { size: { type: 'integer', help: 'Its size.' } } }));
    const file = await files.write('thing.yaml', 'resources:', '  t: { type: test::Thing, attributes: { size: 3 } }');
    const ec = await loadExperimentFile(file, { record: false, registry });
    expect(ec.get('t', 'size')).toBe(3);
    await ec.shutdown();
  });
});
