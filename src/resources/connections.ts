/**
 * What a type may connect to and what it depends on, as rules over other types: its own
 * `connectsTo` patterns, and the rules `runsOn` and `node` imply (what runs on a node
 * connects to exactly one node, whatever its type, and depends on it; a node takes whatever
 * runs on nodes). The experiment model and the tools that draw or list types all read these.
 */
import { matchesType, type ConnectionRule, type ResourceType } from './resource-type.js';

/** One rule under which a type accepts a connection. */
export interface ConnectionMatch {
  /** What the rule names, for messages: a pattern (`netns::Node`), or `node (any node type)`. */
  readonly label: string;
  readonly rule: ConnectionRule;
  /** Whether a resource of type `other` is what this rule is about. */
  matches(other: ResourceType): boolean;
}

const RUNS_ON: ConnectionMatch = { label: 'node (any node type)', rule: { min: 1, max: 1 }, matches: (other) => other.node !== undefined };
const HOSTS: ConnectionMatch = { label: 'what runs on nodes', rule: {}, matches: (other) => other.runsOn };

const rulesCache = new WeakMap<ResourceType, readonly ConnectionMatch[]>();

/** Every rule under which `type` accepts connections, its own patterns first. */
export function connectionMatches(type: ResourceType): readonly ConnectionMatch[] {
  let rules = rulesCache.get(type);
  if (!rules) {
    rules = [
      ...Object.entries(type.connectsTo).map(([pattern, rule]) => ({
        label: pattern,
        rule,
        matches: (other: ResourceType) => matchesType(pattern, other.type),
      })),
      ...(type.runsOn ? [RUNS_ON] : []),
      ...(type.node ? [HOSTS] : []),
    ];
    rulesCache.set(type, rules);
  }
  return rules;
}

/** The rule under which `type` may connect to a resource of type `other`, if any. */
export function connectionRule(type: ResourceType, other: ResourceType): ConnectionMatch | undefined {
  return connectionMatches(type).find((match) => match.matches(other));
}

/** "netns::Link, netns::Switch, what runs on nodes", or "nothing": for messages and `nepi types`. */
export function describeConnectsTo(type: ResourceType): string {
  return (
    connectionMatches(type)
      .map((match) => match.label)
      .join(', ') || 'nothing'
  );
}

/** Whether a resource of type `dependent` deploys after a connected one of type `dependency` (and is released before it). */
export function dependsOnType(dependent: ResourceType, dependency: ResourceType): boolean {
  if (dependent.runsOn && dependency.node !== undefined) return true;
  return dependent.dependsOn.some((pattern) => !pattern.includes('>') && matchesType(pattern, dependency.type));
}

/**
 * A dependency one step further than a connection: a resource depends, through a connected
 * resource `via`, on the resources connected to `via` that `target` accepts.
 */
export interface ThroughPattern {
  via(type: ResourceType): boolean;
  target(type: ResourceType, via: ResourceType): boolean;
}

const throughCache = new WeakMap<ResourceType, readonly ThroughPattern[]>();

/**
 * The `A > B` patterns of `type`'s `dependsOn`, and, when it runs on a node, the one that
 * makes it wait for what its node's `ready` names (a netns::Node's links).
 */
export function throughPatterns(type: ResourceType): readonly ThroughPattern[] {
  let patterns = throughCache.get(type);
  if (!patterns) {
    const found: ThroughPattern[] = [];
    for (const pattern of type.dependsOn) {
      const [via, target, ...rest] = pattern.split('>').map((part) => part.trim());
      if (!via || !target || rest.length > 0) continue;
      found.push({ via: (t) => matchesType(via, t.type), target: (t) => matchesType(target, t.type) });
    }
    if (type.runsOn) {
      found.push({
        via: (t) => (t.node?.ready?.length ?? 0) > 0,
        target: (t, via) => via.node?.ready?.some((pattern) => matchesType(pattern, t.type)) ?? false,
      });
    }
    patterns = found;
    throughCache.set(type, patterns);
  }
  return patterns;
}
