/**
 * Dependencies one step further than a connection: a type whose `dependsOn` holds `A > B`
 * depends on the resources of type B connected to the resource of type A it is connected to
 * (an application on a netns::Node deploys after the node's links and is released before
 * them). Found when a connection is made, whichever of the two connections comes first.
 */
import { matchesType } from '../resources/resource-type.js';
import type { ResourceRecord } from './resource-record.js';

function throughPatterns(record: ResourceRecord): Array<readonly [string, string]> {
  const patterns: Array<readonly [string, string]> = [];
  for (const pattern of record.resourceType.dependsOn) {
    const parts = pattern.split('>').map((part) => part.trim());
    if (parts.length === 2 && parts[0] && parts[1]) patterns.push([parts[0], parts[1]] as const);
  }
  return patterns;
}

/** The `[dependent, dependency]` pairs that connecting `a` and `b` (already connected) implies. */
export function throughDependencies(a: ResourceRecord, b: ResourceRecord): Array<[ResourceRecord, ResourceRecord]> {
  const found: Array<[ResourceRecord, ResourceRecord]> = [];
  for (const [near, far] of [
    [a, b],
    [b, a],
  ] as const) {
    // near depends through far on far's other connections
    for (const [via, target] of throughPatterns(near)) {
      if (!matchesType(via, far.type)) continue;
      for (const other of far.connected(target)) if (other !== near) found.push([near, other]);
    }
    // near's other connections depend through near on far
    for (const other of near.connected()) {
      if (other === far) continue;
      for (const [via, target] of throughPatterns(other)) {
        if (matchesType(via, near.type) && matchesType(target, far.type)) found.push([other, far]);
      }
    }
  }
  return found;
}
