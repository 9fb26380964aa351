/**
 * Generated experiment files for the fuzzer: valid experiments (dummy resources, and a few
 * linux::Application with harmless commands), near-valid ones (a valid one with one thing
 * broken: a wrong type, a huge number, an unknown key, a cycle, a duplicate name...) and
 * garbage (any JSON value, random text, deep nesting), written as YAML or JSON text.
 *
 * `fast` documents take little real time to run (every duration is short), so they may be
 * run on the real clock by the CLI; the others are run on a virtual clock in-process.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

export interface FuzzDocument {
  readonly text: string;
  readonly format: 'yaml' | 'json';
  /** What kind of document this is, for messages. */
  readonly label: string;
  /** Whether it runs in little real time (short durations, few resources). */
  readonly fast: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Harmless commands for linux::Application: they end quickly by themselves, or are stopped. */
const COMMANDS = ['true', 'exit 3', 'echo hi', 'sleep 0.05', 'echo err >&2; exit 1', 'cat', 'kill -9 $$', 'sleep 0.2 & wait'];

const plainName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/);
/** Names a user could write: letters of any script, spaces, emoji, dots. */
const oddName = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  fc.constantFrom('ñodo', '节点', 'node 1', 'node.1', '🚀', 'x'.repeat(200), '..', '.', 'a/b', '../../../escape', '-', '0', 'null', 'true'),
);
const smallMs = fc.integer({ min: 0, max: 40 });
const duration = (fast: boolean) =>
  fast
    ? fc.oneof(
        smallMs,
        smallMs.map((ms) => `${ms}ms`),
      )
    : fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom('1h', '2m30s', '1.5s', '0', '1d', '500ms', 0.5, 3e10));

const ACTIONS = ['DEPLOY', 'START', 'STOP', 'RELEASE'] as const;
const STATES = ['NEW', 'DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'STOPPED', 'FINISHED', 'FAILED', 'RELEASED'] as const;
const FAIL_AT = ['none', 'none', 'none', 'discover', 'provision', 'deploy', 'start', 'stop', 'release', 'run'] as const;

interface Shape {
  readonly nodes: number;
  readonly apps: number;
  readonly linux: boolean;
}

/** A valid experiment as a plain object: nodes, applications on them, conditions on earlier resources. */
export function validExperiment(fast: boolean): fc.Arbitrary<{ [key: string]: Json }> {
  const shape = fc.record({
    nodes: fc.integer({ min: 1, max: 3 }),
    apps: fc.integer({ min: 0, max: 5 }),
    linux: fast ? fc.boolean() : fc.constant(false),
  });
  return shape.chain((s: Shape) => {
    const count = s.nodes + s.apps;
    const names = fc.uniqueArray(fc.oneof({ weight: 6, arbitrary: plainName }, { weight: 1, arbitrary: oddName }), {
      minLength: count,
      maxLength: count,
    });
    const attributes = fc.record(
      {
        discoverTime: duration(fast),
        deployTime: duration(fast),
        startTime: duration(fast),
        runTime: duration(fast),
        failAt: fc.constantFrom(...FAIL_AT),
        critical: fc.boolean(),
        retries: fc.integer({ min: 0, max: 2 }),
        retryDelay: smallMs,
        deployTimeout: fast ? fc.integer({ min: 1, max: 60 }) : fc.integer({ min: 1, max: 100_000 }),
      },
      { requiredKeys: [] },
    );
    const linuxAttributes = fc.record(
      {
        command: fc.constantFrom(...COMMANDS),
        stopTimeout: fc.constantFrom(0, 50, '100ms'),
        critical: fc.boolean(),
        stdin: fc.constantFrom('hola', ''),
        env: fc.constant({ A: '1', B: 'two' }),
        startTimeout: fc.constantFrom(1, 5000),
      },
      { requiredKeys: ['command'] },
    );
    const condition = (index: number) =>
      fc.record(
        {
          action: fc.constantFrom(...ACTIONS),
          group: fc.array(fc.integer({ min: 0, max: Math.max(0, index - 1) }), { minLength: 1, maxLength: 3 }),
          state: fc.constantFrom(...STATES),
          time: duration(fast),
          timeout: fc.option(duration(fast), { nil: undefined }),
          onTimeout: fc.constantFrom('fail', 'skip'),
        },
        { requiredKeys: ['action', 'group', 'state'] },
      );
    const items = Array.from({ length: count }, (_, i) =>
      fc.record({
        attributes: i >= s.nodes && s.linux ? linuxAttributes : attributes,
        node: fc.integer({ min: 0, max: s.nodes - 1 }),
        conditions: fc.array(condition(i), { maxLength: i === 0 ? 0 : 2 }),
      }),
    );
    return fc.tuple(names, fc.tuple(...items), fc.option(fc.oneof(plainName, oddName), { nil: undefined })).map(([list, parts, expId]) => {
      const resources: { [key: string]: Json } = {};
      parts.forEach((part, i) => {
        const isApp = i >= s.nodes;
        const type = isApp ? (s.linux ? 'linux::Application' : 'dummy::Application') : s.linux ? 'linux::Node' : 'dummy::Node';
        const attributes = { ...(part.attributes as { [key: string]: Json }) };
        if (s.linux && !isApp) for (const key of Object.keys(attributes)) if (key !== 'critical') delete attributes[key];
        // a RELEASE condition that times out must skip (anything else is a documented error)
        const conditions = part.conditions.map((c) => {
          const out: { [key: string]: Json } = {
            action: c.action,
            group: [...new Set(c.group.map((g) => list[g]!))],
            state: c.state,
          };
          if (c.time !== undefined) out['time'] = c.time;
          if (c.timeout !== undefined) {
            out['timeout'] = c.timeout;
            out['onTimeout'] = c.action === 'RELEASE' ? 'skip' : (c.onTimeout ?? 'fail');
          }
          return out;
        });
        const resource: { [key: string]: Json } = { type, attributes };
        if (isApp) resource['connect'] = [list[part.node]!];
        if (conditions.length > 0) resource['conditions'] = conditions;
        resources[list[i]!] = resource;
      });
      const doc: { [key: string]: Json } = { resources };
      if (expId !== undefined) doc['expId'] = expId;
      return doc;
    });
  });
}

/** Values that do not belong anywhere in an experiment file. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    -1,
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    0.1,
    '',
    ' ',
    'NaN',
    'Infinity',
    '-1s',
    '1e400',
    '99999999999999999999d',
    '\u0000',
    '\u202e',
    [],
    {},
    [[[]]],
    { __proto__: 'x' } as unknown as Json,
    { constructor: { prototype: 1 } },
    'toString',
    '__proto__',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
);

/** Mutate one place of a JSON value: replace, delete or add an entry somewhere in it. */
function mutate(value: Json, path: readonly number[], replacement: Json, how: number): Json {
  if (value === null || typeof value !== 'object') return replacement;
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  if (entries.length === 0 || path.length === 0) {
    if (Array.isArray(value)) return how % 2 === 0 ? [...value, replacement] : replacement;
    return how % 3 === 0 ? { ...value, [`extra${how}`]: replacement } : how % 3 === 1 ? replacement : { ...value, '': replacement };
  }
  const [key, child] = entries[path[0]! % entries.length]!;
  const rest = path.slice(1);
  if (rest.length === 0 && how % 4 === 3) {
    // delete the entry
    if (Array.isArray(value)) return value.filter((_, i) => i !== key);
    const copy = { ...value };
    delete copy[key as string];
    return copy;
  }
  const next = mutate(child, rest, replacement, how);
  if (Array.isArray(value)) return value.map((v, i) => (i === key ? next : v));
  return { ...value, [key]: next };
}

function serialise(value: Json, format: 'yaml' | 'json'): string {
  return format === 'json' ? JSON.stringify(value, null, 1) : stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

const format = fc.constantFrom<'yaml' | 'json'>('yaml', 'json');

/** Valid documents. */
export const valid = (fast: boolean): fc.Arbitrary<FuzzDocument> =>
  fc.tuple(validExperiment(fast), format).map(([doc, f]) => ({ text: serialise(doc, f), format: f, label: 'valid', fast }));

/** A valid document with one place changed to a wrong value, removed, or added. */
export const nearValid = (fast: boolean): fc.Arbitrary<FuzzDocument> =>
  fc.tuple(validExperiment(fast), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), wrongValue, fc.nat(), format).map(([doc, path, value, how, f]) => ({
    text: serialise(mutate(doc, path, value, how), f),
    format: f,
    label: 'near-valid',
    fast,
  }));

/** Text-level damage to a valid document: a cut, a repeated line (a duplicate name), a stray character. */
export const damaged = (fast: boolean): fc.Arbitrary<FuzzDocument> =>
  fc
    .tuple(valid(fast), fc.nat(), fc.constantFrom('cut', 'repeat', 'insert', 'cycle', 'alias'), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
    .map(([doc, at, how, stray]) => {
      const lines = doc.text.split('\n');
      const i = at % Math.max(1, lines.length);
      let text = doc.text;
      if (how === 'cut') text = doc.text.slice(0, at % (doc.text.length + 1));
      else if (how === 'repeat') text = [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join('\n');
      else if (how === 'insert') text = `${doc.text.slice(0, at % (doc.text.length + 1))}${stray}${doc.text.slice(at % (doc.text.length + 1))}`;
      else if (how === 'cycle')
        text = [
          'resources:',
          '  a: { type: dummy::Node, conditions: [{ action: START, group: b, state: STARTED }] }',
          '  b: { type: dummy::Node, conditions: [{ action: START, group: [a], state: STARTED }] }',
        ].join('\n');
      else
        text = [
          'x: &a [1, 2]',
          'y: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
          'z: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
          'resources: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
        ].join('\n');
      return { text, format: doc.format, label: `damaged (${how})`, fast };
    });

/** How a nested document opens: YAML flow list, JSON object, YAML block list, YAML flow mapping. */
export const NESTING = ['[', '{"a":', '- ', '{ resources: '] as const;

/** A document nested `depth` levels deep. */
export function nested(depth: number, open: (typeof NESTING)[number]): FuzzDocument {
  const close = open === '[' ? ']' : open === '- ' ? '' : '}';
  const text = open === '- ' ? Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- x`).join('\n') : `${open.repeat(depth)}1${close.repeat(depth)}`;
  return { text, format: open.startsWith('{"') ? 'json' : 'yaml', label: `garbage (nesting ${depth})`, fast: true };
}

/** Any JSON value at all, as a document; random text; deep nesting. */
export const garbage: fc.Arbitrary<FuzzDocument> = fc.oneof(
  fc
    .tuple(fc.jsonValue({ maxDepth: 4 }), format)
    .map(([value, f]) => ({ text: serialise(value as Json, f), format: f, label: 'garbage (json value)', fast: true })),
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text, format: 'yaml' as const, label: 'garbage (text)', fast: true })),
  fc.string({ unit: fc.constantFrom(...'{}[]:,-&*!|>\'"#%@` \n\tresources type'.split('')), maxLength: 200 }).map((text) => ({
    text,
    format: 'yaml' as const,
    label: 'garbage (yaml punctuation)',
    fast: true,
  })),
  fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(...NESTING)).map(([depth, open]) => nested(depth, open)),
);

/** Every kind, weighted: mostly documents that get far into the loader. */
export const anyDocument = (fast: boolean): fc.Arbitrary<FuzzDocument> =>
  fc.oneof(
    { weight: 4, arbitrary: valid(fast) },
    { weight: 4, arbitrary: nearValid(fast) },
    { weight: 2, arbitrary: damaged(fast) },
    { weight: 2, arbitrary: garbage },
  );

/**
 * About 10 MB of YAML: 5,000 dummy nodes, each but the first starting 1 ms after the one
 * before is READY, each line padded with a long comment.
 */
export function bigDocument(bytes = 10 * 1024 * 1024, count = 5000): string {
  const pad = 'x'.repeat(Math.max(0, Math.ceil(bytes / count) - 160));
  const lines = ['expId: big', 'resources:'];
  for (let i = 0; i < count; i++) {
    lines.push(
      i === 0
        ? `  n${i}: { type: dummy::Node, attributes: { deployTime: 1ms, runTime: 5ms } } # ${pad}`
        : `  n${i}: { type: dummy::Node, attributes: { deployTime: 1ms, runTime: 5ms, critical: false }, conditions: [{ action: START, group: [n${i - 1}], state: READY, time: 1ms }] } # ${pad}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
