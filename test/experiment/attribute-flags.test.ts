/**
 * Attribute flags (NEPI's Flags), enforced: `readOnly` is never set by the user, `design`
 * (and every attribute without `runtime`) only before deploy, `runtime` while STARTED, and a
 * `credential` is written nowhere: not in experiment.json, events.ndjson, summary.json, the
 * timeline, nor in error messages (`***`). `nepi types` and the JSON Schema show the flags.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder } from '../support/files-under.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatType } from '../../src/cli/format.js';
import { AttributeValueError, InvalidActionError } from '../../src/errors.js';
import { checkExperiment } from '../../src/experiment/check-description.js';
import { experimentSchema } from '../../src/files/schema.js';
import { defineResourceType, DummyNode, ExperimentController, extendResourceType } from '../../src/index.js';
import { defaultRegistry } from '../../src/resources/registry.js';
import { VirtualClock } from '../../src/testing/index.js';

const SECRET = 's3cr3t-first-9f2c';
const ROTATED = 's3cr3t-second-41d7';

const Vault = extendResourceType(DummyNode, {
  type: 'test::Vault',
  help: 'A dummy node holding a secret token.',
  attributes: {
    token: { type: 'string', credential: true, runtime: true, help: 'The secret it is given.' },
    serial: { type: 'string', readOnly: true, default: 'v1', help: 'Set by the type only.' },
    mode: { type: 'enum', allowed: ['a', 'b'], default: 'a', design: true, help: 'Fixed once deployed.' },
  },
});

let localDir: string;
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-flags-'));
});
afterEach(() => rmSync(localDir, { recursive: true, force: true }));

describe('credential attributes', () => {
  it('leave no trace of their value in any file of the run directory, through a SET and a refused value', async () => {
    const clock = new VirtualClock();
    const ec = new ExperimentController({ clock, localDir, expId: 'flags' });
    const vault = ec.registerResource(Vault, { token: SECRET, runTime: '3s' }, { name: 'vault' });
    ec.setWithConditions(vault, 'token', ROTATED, vault, 'STARTED', '1s');
    // a bad value is refused without the value in the message
    expect(() => ec.set(vault, 'token', 4242)).toThrow(AttributeValueError);
    expect(() => ec.set(vault, 'token', 4242)).toThrow("attribute 'token' expects a string, got *** (number)");
    ec.deploy();
    await clock.advance(1000);
    expect(ec.get(vault, 'token')).toBe(ROTATED);
    const shutdown = ec.shutdown();
    await clock.runAll();
    const summary = await shutdown;
    expect(summary.resources['vault']!.changes).toEqual([{ name: 'token', value: '***', previous: '***', time: 1000 }]);
    const files = filesUnder(ec.runDir);
    expect(files.map((file) => file.slice(ec.runDir.length + 1))).toEqual(
      expect.arrayContaining(['experiment.json', 'events.ndjson', 'summary.json', 'timeline.svg']),
    );
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes(SECRET), file).toBe(false);
      expect(text.includes(ROTATED), file).toBe(false);
    }
    const experiment = JSON.parse(readFileSync(join(ec.runDir, 'experiment.json'), 'utf8'));
    expect(experiment.resources.vault.attributes.token).toBe('***');
    expect(experiment.resources.vault.conditions[0]).toMatchObject({ action: 'SET', attribute: 'token', value: '***' });
    const records = readFileSync(join(ec.runDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.filter((r) => r['kind'] === 'change')).toMatchObject([{ time: 1000, guid: 'vault', attribute: 'token', value: '***', previous: '***' }]);
    expect(records.filter((r) => r['kind'] === 'condition' && r['event'] === 'fired')).toMatchObject([{ action: 'SET', attribute: 'token', value: '***' }]);
    expect(ec.describe().resources['vault']!.attributes!['token']).toBe('***');
  });
});

describe('readOnly, design and runtime attributes', () => {
  it('refuses a readOnly attribute from the user, in code and in a file', () => {
    const ec = new ExperimentController({ clock: new VirtualClock(), record: false });
    expect(() => ec.registerResource(Vault, { serial: 'v2' })).toThrow("attribute 'serial' is read-only: only its type gives it a value");
    const vault = ec.registerResource(Vault);
    expect(() => ec.set(vault, 'serial', 'v2')).toThrow(AttributeValueError);
    expect(ec.get(vault, 'serial')).toBe('v1');
    const registry = defaultRegistry.copy();
    registry.register(Vault);
    const checked = checkExperiment({ resources: { v: { type: 'test::Vault', attributes: { serial: 'v2' } } } }, registry);
    expect(checked.problems.map((p) => p.problem)).toEqual(["attribute 'serial' is read-only: only its type gives it a value"]);
  });

  it('refuses a design attribute once deployed', async () => {
    const clock = new VirtualClock();
    const ec = new ExperimentController({ clock, record: false });
    const vault = ec.registerResource(Vault);
    ec.set(vault, 'mode', 'b');
    ec.deploy();
    await clock.advance(10);
    expect(() => ec.set(vault, 'mode', 'a')).toThrow(InvalidActionError);
    expect(() => ec.set(vault, 'mode', 'a')).toThrow(/attribute 'mode' of 'vault1' \(test::Vault\) cannot change at run time: it is not a runtime attribute/);
    await ec.release();
  });

  it('refuses a type whose attribute is both runtime and readOnly or design', () => {
    for (const clash of ['readOnly', 'design'] as const) {
      expect(() =>
        defineResourceType({ type: 'test::Clash', help: 'x', attributes: { a: { type: 'string', runtime: true, [clash]: true, help: 'a' } } }),
      ).toThrow(`type 'test::Clash': attribute 'a' cannot be both runtime and ${clash}`);
    }
  });

  it('shows the flags in nepi types and the JSON Schema', () => {
    const text = formatType(Vault);
    expect(text).toContain('token: string, runtime, credential - The secret it is given.');
    expect(text).toContain('serial: string, default "v1", readOnly - Set by the type only.');
    expect(text).toContain('mode: enum, default "a", one of a | b, design - Fixed once deployed.');
    const registry = defaultRegistry.copy();
    registry.register(Vault);
    const schema = experimentSchema(registry) as { $defs: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    const attributes = schema.$defs['attributes.test::Vault']!.properties;
    expect(attributes['token']).toMatchObject({ writeOnly: true, 'x-nepi-flags': ['runtime', 'credential'] });
    expect(attributes['serial']).toMatchObject({ readOnly: true, 'x-nepi-flags': ['readOnly'] });
    expect(schema.$defs['attributes.dummy::Node']!.properties['rate']).toMatchObject({ 'x-nepi-flags': ['runtime'] });
  });
});
