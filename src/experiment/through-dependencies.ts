/**
 * Dependencies one step further than a connection: a type whose `dependsOn` holds `A > B`
 * depends on the resources of type B connected to the resource of type A it is connected to
 * (an application on a netns::Node deploys after the node's links and is released before
 * them). Found when a connection is made, whichever of the two connections comes first.
 *
 * Connecting costs O(1) unless a registered type has a pattern that can apply: the patterns
 * of every type registered so far are kept in a `ThroughPatterns`, and a node's other
 * connections are only walked when one of them matches (a thousand applications on one
 * linux::Node stay linear to register).
 */
import { matchesType, type ResourceType } from '../resources/resource-type.js';
import type { ResourceRecord } from './resource-record.js';

type Pattern = readonly [via: string, target: string];

const byType = new WeakMap<ResourceType, readonly Pattern[]>();

function patternsOf(type: ResourceType): readonly Pattern[] {
  let patterns = byType.get(type);
  if (!patterns) {
    const found: Pattern[] = [];
    for (const pattern of type.dependsOn) {
      const parts = pattern.split('>').map((part) => part.trim());
      if (parts.length === 2 && parts[0] && parts[1]) found.push([parts[0], parts[1]]);
    }
    patterns = found;
    byType.set(type, patterns);
  }
  return patterns;
}

/** The `A > B` patterns of the types an experiment registered resources of. */
export class ThroughPatterns {
  readonly #types = new Set<ResourceType>();
  readonly #all: Pattern[] = [];

  add(type: ResourceType): void {
    if (this.#types.has(type)) return;
    this.#types.add(type);
    this.#all.push(...patternsOf(type));
  }

  /** Whether some type may depend through a resource of type `via` on one of type `target`. */
  mayApply(via: string, target: string): boolean {
    return this.#all.some(([v, t]) => matchesType(v, via) && matchesType(t, target));
  }
}

/** The `[dependent, dependency]` pairs that connecting `a` and `b` (already connected) implies. */
export function throughDependencies(
  a: ResourceRecord,
  b: ResourceRecord,
  inUse: ThroughPatterns,
): Array<[ResourceRecord, ResourceRecord]> {
  const found: Array<[ResourceRecord, ResourceRecord]> = [];
  for (const [near, far] of [
    [a, b],
    [b, a],
  ] as const) {
    // near depends through far on far's other connections
    for (const [via, target] of patternsOf(near.resourceType)) {
      if (!matchesType(via, far.type)) continue;
      for (const other of far.connected(target)) if (other !== near) found.push([near, other]);
    }
    // near's other connections depend through near on far
    if (!inUse.mayApply(near.type, far.type)) continue;
    for (const other of near.connected()) {
      if (other === far) continue;
      for (const [via, target] of patternsOf(other.resourceType)) {
        if (matchesType(via, near.type) && matchesType(target, far.type)) found.push([other, far]);
      }
    }
  }
  return found;
}
