/**
 * Dependencies one step further than a connection (see `throughPatterns`): an application on
 * a netns::Node deploys after the node's links and is released before them. Found when a
 * connection is made, whichever of the two connections comes first.
 *
 * Connecting costs O(1) unless a registered type has a pattern that can apply: the patterns
 * of every type registered so far are kept in a `ThroughPatterns`, and a node's other
 * connections are only walked when one of them matches (a thousand applications on one
 * linux::Node stay linear to register).
 */
import { throughPatterns, type ThroughPattern } from '../resources/connections.js';
import type { ResourceType } from '../resources/resource-type.js';

/** What `throughDependencies` needs of a resource. */
export interface Connected {
  readonly resourceType: ResourceType;
  /** Every resource connected to it. */
  connectedRecords(): Iterable<Connected>;
}

/** The through patterns of the types an experiment registered resources of. */
export class ThroughPatterns {
  readonly #types = new Set<ResourceType>();
  readonly #all: ThroughPattern[] = [];

  add(type: ResourceType): void {
    if (this.#types.has(type)) return;
    this.#types.add(type);
    this.#all.push(...throughPatterns(type));
  }

  /** Whether some type may depend through a resource of type `via` on one of type `target`. */
  mayApply(via: ResourceType, target: ResourceType): boolean {
    return this.#all.some((pattern) => pattern.via(via) && pattern.target(target, via));
  }
}

/** The `[dependent, dependency]` pairs that connecting `a` and `b` (already connected) implies. */
export function throughDependencies<R extends Connected>(a: R, b: R, inUse: ThroughPatterns): Array<[R, R]> {
  const found: Array<[R, R]> = [];
  for (const [near, far] of [
    [a, b],
    [b, a],
  ] as const) {
    // near depends through far on far's other connections
    for (const pattern of throughPatterns(near.resourceType)) {
      if (!pattern.via(far.resourceType)) continue;
      for (const other of far.connectedRecords() as Iterable<R>) {
        if (other !== near && pattern.target(other.resourceType, far.resourceType)) found.push([near, other]);
      }
    }
    // near's other connections depend through near on far
    if (!inUse.mayApply(near.resourceType, far.resourceType)) continue;
    for (const other of near.connectedRecords() as Iterable<R>) {
      if (other === far) continue;
      for (const pattern of throughPatterns(other.resourceType)) {
        if (pattern.via(near.resourceType) && pattern.target(far.resourceType, near.resourceType)) found.push([other, far]);
      }
    }
  }
  return found;
}
