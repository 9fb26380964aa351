/**
 * The JSON Schema (draft 2020-12) of experiment files, made from the registered resource
 * types: editors that read it complete type and attribute names, show each one's help and
 * check values, enums and ranges as you type. It checks the shape only; names of other
 * resources (in `connect` and `group`) are checked when the file is loaded.
 */
import { ACTIONS, STATE_ORDER, STEPS } from '../../machines/lifecycle.js';
import { ATTRIBUTE_FLAGS, type AttributeSpec } from '../resources/attributes.js';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import type { ResourceType } from '../resources/resource-type.js';
import { FOLDER_NAME_PATTERN } from '../run/folder-name.js';
import { formatDuration } from '../time/duration.js';
import { TOPOLOGY_KINDS } from './topologies.js';

/** A JSON Schema, as plain JSON data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * What `parseDuration` accepts as a string: a plain number of milliseconds, or amounts with
 * units (ms, s, m, h, d), e.g. "500ms", "1.5m", "2m30s".
 */
export const DURATION_PATTERN = '^\\s*(?:\\d+(?:\\.\\d+)?|(?:(?:\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(?:ms|s|m|h|d) *)+)\\s*$';

const DURATION_HELP = 'A duration: "500ms", "2s", "1.5m", "1h", "2m30s", or a number of milliseconds.';

function duration(description: string, range?: readonly [number, number]): JsonSchema {
  const number: Record<string, unknown> = { type: 'number', minimum: range?.[0] ?? 0 };
  if (range) number['maximum'] = range[1];
  return { description, anyOf: [number, { type: 'string', pattern: DURATION_PATTERN }] };
}

/** `$defs` key of a type's attributes. */
const attributesRef = (type: string) => `attributes.${type}`;

function attributeSchema(spec: AttributeSpec): JsonSchema {
  let description = spec.help;
  if (spec.default !== undefined) {
    const shown = spec.type === 'duration' && typeof spec.default === 'number' ? formatDuration(spec.default) : JSON.stringify(spec.default);
    description += ` Default: ${shown}.`;
  }
  if (spec.range && spec.type === 'duration') description += ` From ${formatDuration(spec.range[0])} to ${formatDuration(spec.range[1])}.`;
  const schema: Record<string, unknown> = {};
  switch (spec.type) {
    case 'string':
      Object.assign(schema, { description, type: 'string' });
      break;
    case 'boolean':
      Object.assign(schema, { description, type: 'boolean' });
      break;
    case 'integer':
    case 'double':
      Object.assign(schema, { description, type: spec.type === 'integer' ? 'integer' : 'number' });
      if (spec.range) Object.assign(schema, { minimum: spec.range[0], maximum: spec.range[1] });
      break;
    case 'enum':
      Object.assign(schema, { description, enum: [...(spec.allowed ?? [])] });
      break;
    case 'map':
      Object.assign(schema, {
        description,
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean'] },
      });
      break;
    case 'duration':
      Object.assign(schema, duration(`${description} ${DURATION_HELP}`, spec.range));
      break;
  }
  if (spec.default !== undefined) schema['default'] = spec.default;
  // JSON Schema's own keywords where it has them, nepi's flags as an extension editors show
  if (spec.readOnly) schema['readOnly'] = true;
  if (spec.credential) schema['writeOnly'] = true;
  const flags = ATTRIBUTE_FLAGS.filter((flag) => spec[flag]);
  if (flags.length > 0) schema['x-nepi-flags'] = flags;
  return schema;
}

function attributesSchema(type: ResourceType): JsonSchema {
  const properties = Object.fromEntries(
    Object.keys(type.attributes)
      .sort()
      .map((name) => [name, attributeSchema(type.attributes[name]!)]),
  );
  return {
    description: `The attributes of ${type.type}: ${type.help}`,
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

/** The schema of experiment files whose resources are of the types in `registry`. */
export function experimentSchema(registry: TypeRegistry = defaultRegistry): JsonSchema {
  const types = registry.list();
  const typeSchema: JsonSchema =
    types.length === 0
      ? { description: 'The resource type, `backend::Name`.', type: 'string' }
      : {
          description: 'The resource type, `backend::Name`.',
          anyOf: types.map((type) => ({ const: type.type, description: type.help })),
        };
  const defs: Record<string, JsonSchema> = {
    resource: {
      description: 'A resource: its type, the resources it connects to, its attributes and the conditions on its actions.',
      type: 'object',
      properties: {
        type: typeSchema,
        connect: {
          description: 'The names of the resources this one connects to (a connection is made once, from either side).',
          type: 'array',
          items: { type: 'string', minLength: 1 },
        },
        attributes: {
          description: 'Attribute values by name; which attributes there are depends on the type.',
          type: 'object',
        },
        conditions: {
          description: 'Each condition holds back one action of this resource until a group of resources reached a state.',
          type: 'array',
          items: { $ref: '#/$defs/condition' },
        },
        plan: {
          description: 'How long each step of this resource is expected to take, for `nepi plan` only (a run ignores it).',
          type: 'object',
          properties: Object.fromEntries(STEPS.map((step) => [step, duration(`Expected duration of the ${step} step. ${DURATION_HELP}`)])),
          additionalProperties: false,
        },
      },
      required: ['type'],
      additionalProperties: false,
      ...(types.length === 0
        ? {}
        : {
            allOf: types.map((type) => ({
              if: { properties: { type: { const: type.type } }, required: ['type'] },
              then: { properties: { attributes: { $ref: `#/$defs/${attributesRef(type.type)}` } } },
            })),
          }),
    },
    condition: {
      description:
        'Perform `action` on this resource only once every resource of `group` reached `state` (or a later one), and `time` has passed since the last of them did.',
      type: 'object',
      properties: {
        action: {
          description: 'The action held back; SET gives `attribute` the value `value` (a runtime attribute, while STARTED).',
          enum: [...ACTIONS, 'SET'],
        },
        attribute: { description: 'SET only: the runtime attribute that changes.', type: 'string', minLength: 1 },
        value: { description: 'SET only: the value the attribute takes.' },
        group: {
          description: 'The resource, or the list of resources, waited for.',
          anyOf: [
            { type: 'string', minLength: 1 },
            { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
          ],
        },
        state: {
          description: `The state every member of the group must have reached; states in order: ${STATE_ORDER.join(', ')}.`,
          enum: [...STATE_ORDER],
        },
        time: duration(`How long to wait after the last member reached the state (default 0). ${DURATION_HELP}`),
        timeout: duration(
          `How long the action may wait for the group to reach the state, counted from when the action is requested and the resource is ready for it; unset or 0: forever. ${DURATION_HELP}`,
        ),
        onTimeout: {
          description:
            "What happens when the timeout expires: 'fail' (the default) fails this resource, 'skip' drops the condition and goes on. A RELEASE condition's timeout must 'skip'.",
          enum: ['fail', 'skip'],
        },
      },
      required: ['action', 'group', 'state'],
      additionalProperties: false,
    },
  };
  const { connect: _connect, ...templateProperties } = (defs['resource'] as { properties: Record<string, JsonSchema> }).properties;
  defs['template'] = {
    ...defs['resource'],
    description:
      "What every node or every link of a topology is made of: a resource's type, attributes, conditions and plan hints (the topology makes the connections).",
    properties: templateProperties,
  };
  defs['topology'] = topologySchema();
  for (const type of types) defs[attributesRef(type.type)] = attributesSchema(type);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'nepi experiment',
    description: 'An experiment: its resources by name, with their type, connections, attributes and conditions.',
    type: 'object',
    properties: {
      $schema: {
        description: 'This schema, for editors (ignored by nepi): a URL or a path relative to the file.',
        type: 'string',
      },
      expId: {
        description: "The experiment's name; runs are kept under <localDir>/<expId>/<runId>/.",
        type: 'string',
        minLength: 1,
        pattern: '^(?!\\.\\.?$)[^/\\\\]+$',
      },
      types: {
        description:
          "Types modules: JavaScript files (paths relative to this file) whose default export is a resource type made by defineResourceType, or a list of them; this file's resources may use their types.",
        type: 'array',
        items: { type: 'string', minLength: 1 },
      },
      topologies: {
        description:
          'Topologies (linear, ring, star, tree, mesh, ladder) expanded into resources before the rest of the file is checked; their nodes and links are named from a prefix (h1, l1-2) and can be connected to and waited for.',
        type: 'array',
        items: { $ref: '#/$defs/topology' },
      },
      resources: {
        description: "The resources by name; a name is the resource's guid, used by `connect` and condition groups.",
        type: 'object',
        propertyNames: { minLength: 1, pattern: FOLDER_NAME_PATTERN },
        additionalProperties: { $ref: '#/$defs/resource' },
      },
    },
    anyOf: [{ required: ['resources'] }, { required: ['topologies'] }],
    additionalProperties: false,
    $defs: defs,
  };
}

/** A whole number of at least `min`, or a `${parameter}` that gives one. */
function count(description: string, min: number): JsonSchema {
  return {
    description,
    anyOf: [
      { type: 'integer', minimum: min },
      { type: 'string', pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$' },
    ],
  };
}

/** An entry of `topologies:` (see src/files/topologies.ts). */
function topologySchema(): JsonSchema {
  const prefix = (description: string): JsonSchema => ({ description, type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' });
  return {
    description: 'A topology: a kind of graph, its size, how its nodes and links are named, and what they are made of.',
    type: 'object',
    properties: {
      kind: {
        description:
          'linear: a chain of `nodes`; ring: a cycle of `nodes`; star: a centre and `nodes` leaves; tree: `depth` levels below a root, `fanout` children each; mesh: every pair of `nodes` linked; ladder: two chains of `nodes` with a rung between each pair.',
        enum: [...TOPOLOGY_KINDS],
      },
      nodes: count('How many nodes (for a star, leaves; for a ladder, nodes on each side); every kind but tree.', 1),
      depth: count('A tree: how many levels below the root.', 1),
      fanout: count('A tree: how many children each inner node has.', 1),
      prefix: prefix('Node names are this prefix and a number: h1, h2... (a star and a tree start at 0, the centre or root; a ladder has ha1.. and hb1..).'),
      linkPrefix: prefix('Link names are this prefix and the numbers of the nodes they join: l1-2 (default l).'),
      node: { $ref: '#/$defs/template' },
      link: { $ref: '#/$defs/template' },
    },
    required: ['kind', 'prefix', 'node', 'link'],
    additionalProperties: false,
    allOf: [
      {
        if: { properties: { kind: { const: 'tree' } }, required: ['kind'] },
        then: { required: ['depth', 'fanout'], not: { required: ['nodes'] } },
        else: { required: ['nodes'], properties: { depth: false, fanout: false } },
      },
    ],
  };
}

/** The schema as the text of `docs/experiment.schema.json`. */
export function experimentSchemaText(registry: TypeRegistry = defaultRegistry): string {
  return `${JSON.stringify(experimentSchema(registry), null, 2)}\n`;
}
