import { describe, expect, it } from 'vitest';
import { ACTIONS, STATE_ORDER } from '../../machines/lifecycle.js';
import { experimentSchema } from '../../src/files/index.js';
import { DURATION_PATTERN } from '../../src/files/schema.js';
import { TEMPLATE_KEYS, TOPOLOGY_KEYS } from '../../src/files/topologies.js';
import { DummyApplication, DummyNode, TypeRegistry, defineResourceType, parseDuration } from '../../src/index.js';

type Schema = Record<string, any>;

function schema(): Schema {
  const registry = new TypeRegistry();
  registry.register(DummyNode);
  registry.register(DummyApplication);
  registry.register(
    defineResourceType({
      type: 'test::Kinds',
      help: 'Every kind of attribute.',
      attributes: {
        name: { type: 'string', help: 'A name.' },
        count: { type: 'integer', help: 'A count.', range: [1, 10], default: 1 },
        ratio: { type: 'double', help: 'A ratio.' },
        colour: { type: 'enum', help: 'A colour.', allowed: ['red', 'blue'], default: 'red' },
        wait: { type: 'duration', help: 'A wait.', default: 1500, range: [0, 60_000] },
        env: { type: 'map', help: 'Variables.' },
      },
    }),
  );
  return experimentSchema(registry);
}

describe('the experiment JSON Schema', () => {
  it('is a draft 2020-12 schema of the file format', () => {
    const s = schema();
    expect(s['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(s['properties'])).toEqual(['$schema', 'expId', 'types', 'topologies', 'resources']);
    // resources, or topologies alone (docs/experiment-files.md#topologies)
    expect(s['anyOf']).toEqual([{ required: ['resources'] }, { required: ['topologies'] }]);
    expect(s['additionalProperties']).toBe(false);
    expect(s['properties'].resources.additionalProperties).toEqual({ $ref: '#/$defs/resource' });
    expect(Object.keys(s['$defs'].resource.properties)).toEqual(['type', 'connect', 'attributes', 'conditions', 'plan']);
  });

  it('offers every registered type with its help, and its attributes once the type is chosen', () => {
    const s = schema();
    const resource = s['$defs'].resource;
    expect(resource.properties.type.anyOf).toEqual([
      { const: 'dummy::Application', description: DummyApplication.help },
      { const: 'dummy::Node', description: DummyNode.help },
      { const: 'test::Kinds', description: 'Every kind of attribute.' },
    ]);
    expect(resource.allOf).toContainEqual({
      if: { properties: { type: { const: 'test::Kinds' } }, required: ['type'] },
      then: { properties: { attributes: { $ref: '#/$defs/attributes.test::Kinds' } } },
    });
    const attributes = s['$defs']['attributes.test::Kinds'];
    expect(attributes.additionalProperties).toBe(false);
    expect(Object.keys(attributes.properties)).toEqual([
      'colour',
      'count',
      'critical',
      'deployTimeout',
      'env',
      'name',
      'ratio',
      'retries',
      'retryDelay',
      'startTimeout',
      'stopTimeout',
      'wait',
    ]);
    expect(attributes.properties.name).toEqual({ description: 'A name.', type: 'string' });
    expect(attributes.properties.count).toEqual({ description: 'A count. Default: 1.', type: 'integer', minimum: 1, maximum: 10, default: 1 });
    expect(attributes.properties.colour).toEqual({ description: 'A colour. Default: "red".', enum: ['red', 'blue'], default: 'red' });
    expect(attributes.properties.critical.type).toBe('boolean');
    expect(attributes.properties.env.type).toBe('object');
    expect(attributes.properties.wait.description).toMatch(/^A wait\. Default: 1\.5s\. From 0s to 1m\. A duration/);
    expect(attributes.properties.wait.anyOf[0]).toEqual({ type: 'number', minimum: 0, maximum: 60_000 });
    expect(s['$defs']['attributes.dummy::Node'].properties.failAt.enum).toEqual(DummyNode.attributes['failAt']?.allowed);
  });

  it('lists the actions and states a condition takes', () => {
    const condition = schema()['$defs'].condition;
    expect(condition.required).toEqual(['action', 'group', 'state']);
    expect(condition.properties.action.enum).toEqual([...ACTIONS, 'SET']);
    expect(condition.properties.state.enum).toEqual(STATE_ORDER);
    expect(condition.additionalProperties).toBe(false);
  });

  it('describes topologies: their kinds and keys, sizes that may be ${parameters}, and templates that are resources without connect', () => {
    const s = schema();
    expect(s['properties'].topologies).toMatchObject({ type: 'array', items: { $ref: '#/$defs/topology' } });
    const topology = s['$defs'].topology;
    expect(Object.keys(topology.properties)).toEqual([...TOPOLOGY_KEYS]);
    expect(topology.properties.kind.enum).toEqual(['linear', 'ring', 'star', 'tree', 'mesh', 'ladder']);
    expect(topology.required).toEqual(['kind', 'prefix', 'node', 'link']);
    expect(topology.additionalProperties).toBe(false);
    expect(topology.properties.node).toEqual({ $ref: '#/$defs/template' });
    expect(topology.properties.link).toEqual({ $ref: '#/$defs/template' });
    const [whole, parameter] = topology.properties.nodes.anyOf;
    expect(whole).toEqual({ type: 'integer', minimum: 1 });
    expect(new RegExp(parameter.pattern).test('${n}')).toBe(true);
    expect(new RegExp(parameter.pattern).test('4')).toBe(false);
    // a tree is sized by depth and fanout, the others by nodes
    expect(topology.allOf[0].then.required).toEqual(['depth', 'fanout']);
    expect(topology.allOf[0].else.required).toEqual(['nodes']);
    const template = s['$defs'].template;
    expect(Object.keys(template.properties)).toEqual([...TEMPLATE_KEYS]);
    expect(template.additionalProperties).toBe(false);
    expect(template.required).toEqual(['type']);
    expect(template.allOf).toEqual(s['$defs'].resource.allOf);
  });

  it('accepts exactly the duration strings that the loader accepts', () => {
    const pattern = new RegExp(DURATION_PATTERN);
    const accepted = (text: string) => {
      try {
        parseDuration(text);
        return true;
      } catch {
        return false;
      }
    };
    for (const text of [
      '500ms',
      '2s',
      '1.5m',
      '1h',
      '2m30s',
      '1d',
      '.5s',
      '1500',
      '2.5',
      ' 2s ',
      '1m 30s',
      '2 s',
      '',
      's',
      '2x',
      '2 parsecs',
      '-1s',
      '1s2',
      'ms',
      '1.s',
    ]) {
      expect([text, pattern.test(text)]).toEqual([text, accepted(text)]);
    }
  });
});
