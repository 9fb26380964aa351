/**
 * An experiment as a Graphviz DOT graph: one node per resource (its name and type, coloured
 * by type), one plain edge per connection (from the dependency to its dependent when one
 * type depends on the other), and one dashed arrow per condition member, from the resource
 * waited for to the one whose action waits.
 */
import type { ExperimentDescription } from '../experiment/description.js';
import type { TypeRegistry } from '../resources/registry.js';
import { dependsOnType } from '../resources/connections.js';
import { formatDuration, parseDuration } from '../time/duration.js';

/** Fill colours given to types in the order they first appear. */
const PALETTE = ['#c6dbef', '#c7e9c0', '#fdd0a2', '#dadaeb', '#fcbba1', '#d9d9d9', '#fde0ef', '#ccebc5', '#ffffb3', '#bebada'];

/** A DOT identifier or string, quoted and escaped. */
export function dotId(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export interface DotOptions {
  /** Where types are looked up to tell dependencies (default: none, every connection is plain). */
  readonly registry?: TypeRegistry;
}

/**
 * The experiment as a Graphviz DOT graph: a node per resource, an edge per connection, a dashed arrow per condition member.
 * @example
 * ```ts
 * const svg = await dotToSvg(experimentToDot(ec.describe()));
 * ```
 */
export function experimentToDot(description: ExperimentDescription, options: DotOptions = {}): string {
  const resources = Object.entries(description.resources);
  const colours = new Map<string, string>();
  for (const [, resource] of resources) {
    if (!colours.has(resource.type)) colours.set(resource.type, PALETTE[colours.size % PALETTE.length]!);
  }
  const lines = [
    `digraph ${dotId(description.expId)} {`,
    `  graph [rankdir=LR, label=${dotId(description.expId)}, labelloc=t, fontname="Helvetica", fontsize=14];`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.2,0.08"];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const [name, resource] of resources) {
    const shape = /::\w*Node$/.test(resource.type) ? ', shape=box3d' : '';
    lines.push(
      `  ${dotId(name)} [label=${dotId(`${name}\n${resource.type}`)}, fillcolor=${dotId(colours.get(resource.type)!)}, tooltip=${dotId(
        `${name} (${resource.type})`,
      )}${shape}];`,
    );
  }
  for (const [name, resource] of resources) {
    for (const other of resource.connect ?? []) {
      const otherType = description.resources[other]?.type ?? '';
      // from the dependency to its dependent, so dependencies come first left to right
      const [from, to] = dependsOn(resource.type, otherType, options.registry) ? [other, name] : [name, other];
      const dependency = dependsOn(resource.type, otherType, options.registry) || dependsOn(otherType, resource.type, options.registry);
      lines.push(`  ${dotId(from)} -> ${dotId(to)} [dir=none${dependency ? ', penwidth=1.5' : ''}, tooltip=${dotId(`${from} -- ${to}`)}];`);
    }
  }
  for (const [name, resource] of resources) {
    for (const condition of resource.conditions ?? []) {
      const delay = condition.time === undefined ? 0 : parseDuration(condition.time);
      const label = `${condition.action} after ${condition.state}${delay > 0 ? ` +${formatDuration(delay)}` : ''}`;
      for (const member of condition.group) {
        lines.push(`  ${dotId(member)} -> ${dotId(name)} [style=dashed, color="#555555", fontcolor="#555555", label=${dotId(label)}];`);
      }
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dependsOn(type: string, other: string, registry: TypeRegistry | undefined): boolean {
  if (!registry?.has(type) || !registry.has(other)) return false;
  return dependsOnType(registry.get(type), registry.get(other));
}
