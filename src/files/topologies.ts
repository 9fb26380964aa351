/**
 * Topologies in experiment files (NEPI's NetGraph, Mininet's `--topo linear,4`): entries of a
 * top-level `topologies:` list, each a `kind` of graph with a size, a name `prefix`, a `node`
 * template and a `link` template, expanded into ordinary resources before the file is
 * checked. Everything after the expansion (checks, `connect`, conditions, plan, graph, run)
 * sees plain resources; problems found on a resource a topology made are placed back at the
 * template it came from (`topologies[0].node.attributes.forwrding`). See
 * docs/experiment-files.md#topologies for the names each kind makes.
 */
import { suggest } from '../errors.js';
import { checkKeys, checkRequired, isPlainObject, list, show } from '../experiment/check-description.js';
import type { ConditionDescription, PlanHints } from '../experiment/description.js';
import type { EntryPart, PathProblem, PathSegment } from '../experiment/description-path.js';
import type { AttributeValue } from '../resources/attributes.js';
import { formatPath } from './paths.js';

export const TOPOLOGY_KINDS = ['linear', 'ring', 'star', 'tree', 'mesh', 'ladder'] as const;
/** The shapes a `topology` entry of an experiment file can build: linear, ring, star, tree, mesh or ladder. */
export type TopologyKind = (typeof TOPOLOGY_KINDS)[number];

/** The keys of a `topologies:` entry, in the order the documentation gives them. */
export const TOPOLOGY_KEYS = ['kind', 'nodes', 'depth', 'fanout', 'prefix', 'linkPrefix', 'node', 'link'] as const;
/** The keys of a node or link template: a resource's, but `connect` (the topology makes the connections). */
export const TEMPLATE_KEYS = ['type', 'attributes', 'conditions', 'plan'] as const;

/** What every node (or every link) of a topology is made of: a resource without `connect`. */
export interface ResourceTemplate {
  readonly type: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly conditions?: readonly ConditionDescription[];
  readonly plan?: PlanHints;
}

/** One entry of `topologies:`. `nodes` sizes every kind but `tree`, which has `depth` and `fanout`. */
export interface TopologyDescription {
  readonly kind: TopologyKind;
  readonly nodes?: number;
  readonly depth?: number;
  readonly fanout?: number;
  /** Node names are the prefix and a number (`h1`), or for a ladder a side and a number (`ha1`, `hb1`). */
  readonly prefix: string;
  /** Link names are this prefix and the numbers of the two nodes (`l1-2`); default `l`. */
  readonly linkPrefix?: string;
  readonly node: ResourceTemplate;
  readonly link: ResourceTemplate;
}

/** What one topology made: its resources' names, nodes then links, in the order they were registered. */
export interface ExpandedTopology {
  /** Its place in the file: `['topologies', i]`. */
  readonly path: readonly PathSegment[];
  readonly kind: TopologyKind;
  readonly nodes: readonly string[];
  readonly links: readonly string[];
}

/** The result of expanding a document's topologies. */
export interface Expansion {
  /** The document without `topologies`, their resources first in `resources`. */
  readonly value: unknown;
  readonly problems: PathProblem[];
  /** Whether every entry could be expanded (else references to its names cannot be checked). */
  readonly complete: boolean;
  /** What each topology made, with the names the file also defines left out. */
  readonly topologies: readonly ExpandedTopology[];
}

/** The most resources one topology may make: a bigger one is a typing error (`nodes: 10000000`), not an experiment. */
export const MAX_TOPOLOGY_RESOURCES = 100_000;

/** A prefix is a plain word, so that every name made from it is one too. */
const PREFIX = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The graph of a kind: node labels (what follows the prefix) and links between two labels. */
interface Shape {
  readonly nodes: readonly string[];
  readonly links: readonly (readonly [string, string])[];
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

function linear(n: number): Shape {
  return { nodes: range(1, n).map(String), links: range(1, n - 1).map((i) => [String(i), String(i + 1)]) };
}

function ring(n: number): Shape {
  const chain = linear(n);
  return { nodes: chain.nodes, links: [...chain.links, [String(n), '1']] };
}

/** Node 0 is the root; node k's children are f*k+1 .. f*k+f (level by level, left to right). */
function tree(depth: number, fanout: number): Shape {
  const count = treeSize(depth, fanout);
  return { nodes: range(0, count - 1).map(String), links: range(1, count - 1).map((k) => [String(Math.floor((k - 1) / fanout)), String(k)]) };
}

function mesh(n: number): Shape {
  return { nodes: range(1, n).map(String), links: range(1, n).flatMap((i) => range(i + 1, n).map((j): [string, string] => [String(i), String(j)])) };
}

function ladder(n: number): Shape {
  const side = (s: string) => range(1, n).map((i) => `${s}${i}`);
  const rail = (s: string) => range(1, n - 1).map((i): [string, string] => [`${s}${i}`, `${s}${i + 1}`]);
  return { nodes: [...side('a'), ...side('b')], links: [...rail('a'), ...rail('b'), ...range(1, n).map((i): [string, string] => [`a${i}`, `b${i}`])] };
}

/** 1 + f + f² + ... + f^depth, or Infinity past the limit (so that `depth: 1000` costs nothing). */
function treeSize(depth: number, fanout: number): number {
  let total = 0;
  let level = 1;
  for (let d = 0; d <= depth; d++) {
    total += level;
    if (total > MAX_TOPOLOGY_RESOURCES) return Infinity;
    level *= fanout;
  }
  return total;
}

/** How many nodes and links a kind of the given size makes, before making them. */
function counts(kind: TopologyKind, n: number, depth: number, fanout: number): { nodes: number; links: number } {
  switch (kind) {
    case 'linear':
      return { nodes: n, links: n - 1 };
    case 'ring':
      return { nodes: n, links: n };
    case 'star':
      return { nodes: n + 1, links: n };
    case 'tree': {
      const nodes = treeSize(depth, fanout);
      return { nodes, links: nodes - 1 };
    }
    case 'mesh':
      return { nodes: n, links: (n * (n - 1)) / 2 };
    case 'ladder':
      return { nodes: 2 * n, links: 3 * n - 2 };
  }
}

function shape(kind: TopologyKind, n: number, depth: number, fanout: number): Shape {
  switch (kind) {
    case 'linear':
      return linear(n);
    case 'ring':
      return ring(n);
    case 'star':
      return tree(1, n);
    case 'tree':
      return tree(depth, fanout);
    case 'mesh':
      return mesh(n);
    case 'ladder':
      return ladder(n);
  }
}

/** The smallest size of each kind: a ring of 2 would link its nodes twice. */
const MIN_NODES: Readonly<Record<Exclude<TopologyKind, 'tree'>, number>> = { linear: 1, ring: 3, star: 1, mesh: 1, ladder: 1 };

/** What `nodes` counts, for messages. */
const NODES_MEAN: Readonly<Record<Exclude<TopologyKind, 'tree'>, string>> = {
  linear: 'nodes in the chain',
  ring: 'nodes in the cycle',
  star: 'leaves around the centre',
  mesh: 'nodes',
  ladder: 'nodes on each side',
};

export interface ExpandOptions {
  /**
   * Says where the entry at a path was written (`exp.yaml:3:5`), for messages that name a
   * second place; without it, messages name the path alone.
   */
  readonly where?: (path: readonly PathSegment[]) => string | undefined;
}

type Report = (path: readonly PathSegment[], problem: string, part?: EntryPart) => void;

interface Made {
  readonly summary: ExpandedTopology;
  /** Name, resource, and whether it is a node. */
  readonly resources: readonly (readonly [string, Record<string, unknown>, boolean])[];
  readonly linkPrefixGiven: boolean;
}

/**
 * Expand the `topologies:` of a document (plain values, after parameter substitution) into
 * resources, placed before the file's own in `resources`. Problems of the entries themselves
 * (kind, sizes, prefixes, template keys) and names made twice are reported here; what is
 * wrong inside a template (its type, attributes, conditions) is found when the expanded
 * document is checked, and {@link placeInFile} puts it back at the template.
 */
export function expandTopologies(document: unknown, options: ExpandOptions = {}): Expansion {
  if (!isPlainObject(document) || !Object.hasOwn(document, 'topologies')) return { value: document, problems: [], complete: true, topologies: [] };
  const problems: PathProblem[] = [];
  const report: Report = (path, problem, part = 'value') => problems.push({ path, part, problem });
  const place = (path: readonly PathSegment[]) => {
    const where = options.where?.(path);
    return where === undefined ? formatPath(path) : `${formatPath(path)} (${where})`;
  };

  const { topologies: given, ...rest } = document;
  const made: Record<string, unknown> = {};
  /** Who made each name: the topology's index and whether it is a node. */
  const makers = new Map<string, { index: number; node: boolean }>();
  const expanded: Made[] = [];
  let complete = true;
  if (!Array.isArray(given)) {
    report(['topologies'], `expected a list of topologies, got ${show(given)}`);
    complete = false;
  } else {
    given.forEach((entry: unknown, index) => {
      const topology = expandOne(entry, ['topologies', index], report);
      if (!topology) {
        complete = false;
        return;
      }
      const clashes = new Map<number, { name: string; node: boolean; count: number }>();
      let twice: string | undefined;
      for (const [name, resource, node] of topology.resources) {
        const other = makers.get(name);
        if (other === undefined) {
          makers.set(name, { index, node });
          made[name] = resource;
          continue;
        }
        if (other.index === index) {
          // a prefix that ends like a link name (prefix 'l1-' makes the node 'l1-2'): said once
          twice ??= name;
          continue;
        }
        const clash = clashes.get(other.index);
        if (clash) clash.count++;
        else clashes.set(other.index, { name, node, count: 1 });
      }
      if (twice !== undefined) {
        report(['topologies', index, 'prefix'], `this topology makes '${twice}' twice, as a node and as a link: give it another prefix or linkPrefix`);
      }
      for (const [other, { name, node, count }] of clashes) {
        const key = node ? 'prefix' : 'linkPrefix';
        const more = count > 1 ? ` (and ${count - 1} more ${count === 2 ? 'name' : 'names'})` : '';
        report(
          ['topologies', index, ...(node || topology.linkPrefixGiven ? [key] : [])],
          `this topology makes '${name}'${more}, which ${place(['topologies', other])} makes too: give one of them another ${key}`,
        );
      }
      expanded.push(topology);
    });
  }

  let resources = rest['resources'];
  const overridden = new Set<string>();
  if (!Object.hasOwn(rest, 'resources')) {
    resources = made;
  } else if (isPlainObject(resources)) {
    for (const name of Object.keys(resources)) {
      const maker = makers.get(name);
      if (maker === undefined) continue;
      overridden.add(name);
      report(
        ['resources', name],
        `resource '${name}' is also made by ${place(['topologies', maker.index])}: rename this resource, or give the topology another ${maker.node ? 'prefix' : 'linkPrefix'}`,
        'key',
      );
    }
    resources = { ...made, ...resources };
  }
  const mine = (name: string, index: number) => makers.get(name)?.index === index && !overridden.has(name);
  const topologies = expanded.map(({ summary }) => {
    const index = summary.path[1] as number;
    return { ...summary, nodes: summary.nodes.filter((name) => mine(name, index)), links: summary.links.filter((name) => mine(name, index)) };
  });
  return { value: { ...rest, resources }, problems, complete, topologies };
}

function expandOne(entry: unknown, path: readonly PathSegment[], report: Report): Made | undefined {
  if (!isPlainObject(entry)) {
    report(path, `expected a mapping with 'kind', 'prefix', 'node' and 'link', got ${show(entry)}`);
    return undefined;
  }
  checkKeys(entry, path, TOPOLOGY_KEYS, report);
  let ok = checkRequired(entry, path, ['kind', 'prefix', 'node', 'link'], report);

  let kind: TopologyKind | undefined;
  if (Object.hasOwn(entry, 'kind')) {
    const given = entry['kind'];
    if (typeof given === 'string' && (TOPOLOGY_KINDS as readonly string[]).includes(given)) kind = given as TopologyKind;
    else {
      ok = false;
      const hint = typeof given === 'string' ? suggest(given, TOPOLOGY_KINDS) : '';
      report([...path, 'kind'], `unknown topology kind ${show(given)}${hint || `: expected ${list(TOPOLOGY_KINDS, 'or')}`}`);
    }
  }

  let nodes = 0;
  let depth = 0;
  let fanout = 0;
  if (kind === 'tree') {
    if (Object.hasOwn(entry, 'nodes')) {
      ok = false;
      report([...path, 'nodes'], "a tree has no 'nodes': its size is its 'depth' and 'fanout'", 'key');
    }
    const d = count(entry, path, 'depth', 1, 'levels below the root', 'a tree', report);
    const f = count(entry, path, 'fanout', 1, 'children of each inner node', 'a tree', report);
    if (d === undefined || f === undefined) ok = false;
    else [depth, fanout] = [d, f];
  } else if (kind !== undefined) {
    for (const key of ['depth', 'fanout'] as const) {
      if (Object.hasOwn(entry, key)) {
        ok = false;
        report([...path, key], `a ${kind} topology has no '${key}' (only a tree has): its size is 'nodes'`, 'key');
      }
    }
    const n = count(entry, path, 'nodes', MIN_NODES[kind], NODES_MEAN[kind], `a ${kind} topology`, report);
    if (n === undefined) ok = false;
    else nodes = n;
  }

  const prefix = prefixOf(entry, path, 'prefix', undefined, report);
  const linkPrefix = prefixOf(entry, path, 'linkPrefix', 'l', report);
  if (prefix === undefined || linkPrefix === undefined) ok = false;
  const node = template(entry, path, 'node', report);
  const link = template(entry, path, 'link', report);

  if (!ok || kind === undefined || prefix === undefined || linkPrefix === undefined) return undefined;
  const size = counts(kind, nodes, depth, fanout);
  const total = size.nodes + size.links;
  if (total > MAX_TOPOLOGY_RESOURCES) {
    const at = kind === 'tree' ? 'depth' : 'nodes';
    const amount = Number.isFinite(total) ? `${total} resources` : `more than ${MAX_TOPOLOGY_RESOURCES} resources`;
    report([...path, at], `this ${kind} topology would make ${amount}; a topology makes at most ${MAX_TOPOLOGY_RESOURCES}`);
    return undefined;
  }

  const graph = shape(kind, nodes, depth, fanout);
  const nodeName = (label: string) => `${prefix}${label}`;
  const linkName = ([a, b]: readonly [string, string]) => `${linkPrefix}${a}-${b}`;
  const resources: [string, Record<string, unknown>, boolean][] = [
    ...graph.nodes.map((label): [string, Record<string, unknown>, boolean] => [nodeName(label), instance(node), true]),
    ...graph.links.map((ends): [string, Record<string, unknown>, boolean] => [linkName(ends), instance(link, ends.map(nodeName)), false]),
  ];
  return {
    summary: { path, kind, nodes: graph.nodes.map(nodeName), links: graph.links.map(linkName) },
    resources,
    linkPrefixGiven: Object.hasOwn(entry, 'linkPrefix'),
  };
}

/** A whole number of at least `min` at `entry[key]`, or undefined (reported). */
function count(
  entry: Record<string, unknown>,
  path: readonly PathSegment[],
  key: 'nodes' | 'depth' | 'fanout',
  min: number,
  what: string,
  of: string,
  report: Report,
): number | undefined {
  if (!Object.hasOwn(entry, key)) {
    report(path, `missing '${key}': the number of ${what} of ${of}`, 'entry');
    return undefined;
  }
  const value = entry[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    report([...path, key], `expected a whole number of ${what}, at least ${min} for ${of}, got ${show(value)}`);
    return undefined;
  }
  return value;
}

function prefixOf(
  entry: Record<string, unknown>,
  path: readonly PathSegment[],
  key: 'prefix' | 'linkPrefix',
  fallback: string | undefined,
  report: Report,
): string | undefined {
  if (!Object.hasOwn(entry, key)) return fallback;
  const value = entry[key];
  if (typeof value === 'string' && PREFIX.test(value)) return value;
  report([...path, key], `expected the start of the names it makes, a letter or '_' then letters, digits, '_' or '-' (such as 'h'), got ${show(value)}`);
  return undefined;
}

/**
 * A template's allowed keys (reported: the others, and `connect`); what is inside them is
 * checked on the resources made from it. A template that is not a mapping is kept as it is,
 * for the resource check to report.
 */
function template(entry: Record<string, unknown>, path: readonly PathSegment[], key: 'node' | 'link', report: Report): unknown {
  const value = entry[key];
  if (!isPlainObject(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if ((TEMPLATE_KEYS as readonly string[]).includes(name)) kept[name] = item;
    else if (name === 'connect') {
      report(
        [...path, key, name],
        `a ${key} template has no 'connect': the topology connects ${key === 'node' ? 'its nodes through its links' : 'each link to its two nodes'}`,
        'key',
      );
    } else {
      const hint = suggest(name, TEMPLATE_KEYS);
      report([...path, key, name], `unknown key '${name}'${hint || `: expected ${list(TEMPLATE_KEYS, 'or')}`}`, 'key');
    }
  }
  return kept;
}

/** One resource made from a template (a copy: no two resources share a list), connected to `connect`. */
function instance(template: unknown, connect?: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(template)) return template as Record<string, unknown>;
  const { type, ...rest } = structuredClone(template);
  return { ...(type === undefined ? {} : { type }), ...(connect ? { connect: [...connect] } : {}), ...rest };
}

/** Where the resources of topologies come from: by name, the topology's path and whether it is a node. */
export type Origins = ReadonlyMap<string, { readonly path: readonly PathSegment[]; readonly node: boolean }>;

export function originsOf(topologies: readonly ExpandedTopology[]): Origins {
  const origins = new Map<string, { path: readonly PathSegment[]; node: boolean }>();
  for (const { path, nodes, links } of topologies) {
    for (const name of nodes) origins.set(name, { path, node: true });
    for (const name of links) origins.set(name, { path, node: false });
  }
  return origins;
}

/**
 * A problem found on the expanded document, at the place of the file it comes from: one on
 * a resource a topology made is on its template (`resources.h3.attributes.x` is
 * `topologies[0].node.attributes.x`), one on its connections on the template as a whole,
 * one on its name on the prefix. Other problems are where they were.
 */
export function placeInFile<P extends { readonly path: readonly PathSegment[]; readonly part: EntryPart }>(problem: P, origins: Origins): P {
  const [top, name, ...rest] = problem.path;
  if (top !== 'resources' || typeof name !== 'string') return problem;
  const origin = origins.get(name);
  if (!origin) return problem;
  const base = [...origin.path, origin.node ? 'node' : 'link'];
  if (rest.length === 0 && problem.part === 'key') return { ...problem, path: [...origin.path, origin.node ? 'prefix' : 'linkPrefix'], part: 'value' };
  if (rest[0] === 'connect') return { ...problem, path: base, part: 'entry' };
  return { ...problem, path: [...base, ...rest] };
}

/** Problems placed in the file, without the copies that every resource of one template has. */
export function placeAllInFile(problems: readonly PathProblem[], topologies: readonly ExpandedTopology[]): PathProblem[] {
  if (topologies.length === 0) return [...problems];
  const origins = originsOf(topologies);
  const seen = new Set<string>();
  return problems
    .map((problem) => placeInFile(problem, origins))
    .filter((problem) => {
      const key = `${formatPath(problem.path)}\u0000${problem.part}\u0000${problem.problem}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
