/** DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no system Graphviz needed. */
import type { Graph, Viz } from '@viz-js/viz';
import { NepiError } from '../errors.js';

let loading: Promise<Viz> | undefined;

/**
 * The Graphviz instance, loaded on first use (1.2 MB of JavaScript and WebAssembly that only
 * drawing needs) and kept: a second graph costs only its layout.
 */
export function graphviz(): Promise<Viz> {
  loading ??= import('@viz-js/viz').then(({ instance }) => instance());
  return loading;
}

/** DOT text to SVG, with Graphviz compiled to WebAssembly (no system Graphviz needed); the first call loads it. */
export async function dotToSvg(dot: string): Promise<string> {
  return render(dot, 'svg');
}

/**
 * Lay out `graph` with `engine` (dot by default) and return Graphviz's JSON output (`-Tjson`):
 * node positions, edge splines, the bounding box, in points, y growing upwards.
 */
export async function layoutGraph(graph: string | Graph, engine = 'dot'): Promise<GraphvizJson> {
  return JSON.parse(await render(graph, 'json', engine)) as GraphvizJson;
}

async function render(graph: string | Graph, format: string, engine = 'dot'): Promise<string> {
  const viz = await graphviz();
  const result = viz.render(graph, { format, engine });
  if (result.status !== 'success') {
    const errors = result.errors.map((error) => error.message).join('; ');
    throw new NepiError(`Graphviz could not draw the graph: ${errors}`);
  }
  return result.output;
}

/** What layouts read of Graphviz's JSON output (https://graphviz.org/docs/outputs/json/). */
export interface GraphvizJson {
  /** "llx,lly,urx,ury" in points. */
  readonly bb: string;
  readonly objects?: ReadonlyArray<{ readonly name: string; readonly pos?: string; readonly width?: string; readonly height?: string }>;
  readonly edges?: ReadonlyArray<{ readonly id?: string; readonly pos?: string }>;
}
