/** TypeRegistry.copy: a registry of one's own that starts with another's types, backends, cleaners and modules. */
import { describe, expect, it } from 'vitest';
import { defineBackend, defineResourceType, TypeRegistry } from '../../src/index.js';

const nothing = () => Promise.resolve({ removed: [], problems: [] });
const backend = defineBackend({ name: 'lab', open: () => ({}), cleaners: [{ backend: 'lab', cleanRun: nothing, cleanAll: nothing }] });
const Probe = defineResourceType({ type: 'lab::Probe', help: 'A probe.', backend });
const Other = defineResourceType({ type: 'lab::Other', help: 'Another.' });

describe('TypeRegistry.copy', () => {
  it('holds what the original holds, and what is added to it stays there', () => {
    const original = new TypeRegistry();
    original.register(Probe, { module: 'file:///types/probe.js' });
    const copy = original.copy();
    expect(copy.get('lab::Probe')).toBe(Probe);
    expect(copy.backends()).toEqual([backend]);
    expect(copy.cleaners()).toEqual(original.cleaners());
    expect(copy.moduleOf('lab::Probe')).toBe('file:///types/probe.js');
    expect(copy.hasModule('file:///types/probe.js')).toBe(true);

    copy.register(Other);
    expect(copy.has('lab::Other')).toBe(true);
    expect(original.has('lab::Other')).toBe(false);
    expect(copy.moduleOf('lab::Other')).toBeUndefined();
  });
});
