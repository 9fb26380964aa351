/**
 * The live view's graph, laid out by Graphviz (dot, the engine `nepi graph` uses) once, when
 * the view is created: an experiment's resources, connections and conditions do not change
 * during a run, only their states do, and the page colours the boxes by state itself.
 *
 * One box per resource (all the same size: the page writes the name and the state in it),
 * left to right from what depends on nothing to its dependents; one edge per connection,
 * from the dependency to its dependent; one arrow per condition member, from the member to
 * the resource whose action waits. Conditions rank like dependencies (what waits comes
 * after what it waits for), and Graphviz routes every edge as a spline around the boxes.
 * Unconnected parts (a node and its applications, when no condition ties them to the rest)
 * are packed in rows. The page gets the boxes' places and the edges as SVG path data, in
 * CSS pixels.
 *
 * The picture is Graphviz's upside down: its y grows upwards and is taken as SVG's, which
 * grows downwards. Mirrored so, the packed parts fill rows from the top left in the
 * experiment's order, and a chain of conditions runs from the top left down (Graphviz's own
 * orientation puts the first ones at the bottom once it turns the layout for rankdir=LR).
 */
import type { Graph } from '@viz-js/viz';
import { layoutGraph, type GraphvizJson } from '../graph/svg.js';

/** Every box is this size, in CSS pixels (Graphviz gets them in inches: 72 points each, one pixel a point). */
export const BOX_WIDTH = 120;
export const BOX_HEIGHT = 44;
/** Room around the drawing. */
const MARGIN = 8;

export interface LiveGraphInput {
  readonly resources: ReadonlyArray<{ readonly guid: string; readonly dependsOn: readonly string[] }>;
  /** Connections as recorded: `[other, guid]` for each `connect` entry of `guid`. */
  readonly connections: readonly (readonly [string, string])[];
  readonly conditions: ReadonlyArray<{ readonly id: number; readonly guid: string; readonly group: readonly string[] }>;
}

/** A resource's box: its top-left corner and size. */
export interface LiveGraphBox {
  readonly guid: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A connection, or one member's arrow of a condition (`condition` is the condition's id). */
export interface LiveGraphEdge {
  readonly kind: 'connection' | 'condition';
  readonly from: string;
  readonly to: string;
  readonly condition?: number;
  /** SVG path data of Graphviz's spline; for an arrow, it ends at the arrowhead's tip. */
  readonly path: string;
}

export interface LiveGraph {
  readonly drawn: true;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly LiveGraphBox[];
  readonly edges: readonly LiveGraphEdge[];
  /** How long the layout took, ms. */
  readonly layoutMs: number;
}

/** No graph: too many resources, or Graphviz failed (the table and the timeline still show everything). */
export interface NoLiveGraph {
  readonly drawn: false;
  readonly reason: string;
}

/** Above this many resources the view draws no graph (Graphviz takes seconds, and the boxes fill screens). */
export const LIVE_GRAPH_MAX_RESOURCES = 300;

/** Lay out `input`; never throws: a graph it cannot lay out is a `NoLiveGraph` saying why. */
export async function layoutLiveGraph(input: LiveGraphInput): Promise<LiveGraph | NoLiveGraph> {
  if (input.resources.length > LIVE_GRAPH_MAX_RESOURCES) {
    return {
      drawn: false,
      reason: `${input.resources.length} resources: the graph is drawn up to ${LIVE_GRAPH_MAX_RESOURCES}; see the table and the timeline.`,
    };
  }
  const started = performance.now();
  const { graph, edges } = toGraphviz(input);
  let json: GraphvizJson;
  try {
    json = await layoutGraph(graph);
  } catch (error) {
    return { drawn: false, reason: `the graph could not be laid out: ${(error as Error).message}` };
  }
  const [llx, lly, urx, ury] = json.bb.split(',').map(Number) as [number, number, number, number];
  const dx = MARGIN - llx;
  const dy = MARGIN - lly;
  const boxes: LiveGraphBox[] = [];
  const known = new Set(input.resources.map((r) => r.guid));
  for (const object of json.objects ?? []) {
    if (!known.has(object.name) || object.pos === undefined) continue;
    const [cx, cy] = object.pos.split(',').map(Number) as [number, number];
    const width = Number(object.width ?? BOX_WIDTH / 72) * 72;
    const height = Number(object.height ?? BOX_HEIGHT / 72) * 72;
    boxes.push({ guid: object.name, x: round(cx - width / 2 + dx), y: round(cy - height / 2 + dy), width: round(width), height: round(height) });
  }
  const laidOut: LiveGraphEdge[] = [];
  for (const edge of json.edges ?? []) {
    const ours = edge.id === undefined ? undefined : edges.get(edge.id);
    if (!ours || edge.pos === undefined) continue;
    laidOut.push({ ...ours, path: splinePath(edge.pos, dx, dy) });
  }
  return {
    drawn: true,
    width: round(urx - llx + 2 * MARGIN),
    height: round(ury - lly + 2 * MARGIN),
    boxes,
    edges: laidOut,
    layoutMs: Math.round(performance.now() - started),
  };
}

/** The Graphviz graph of `input`, and what each of its edges (by id) stands for. */
export function toGraphviz(input: LiveGraphInput): { graph: Graph; edges: Map<string, Omit<LiveGraphEdge, 'path'>> } {
  const dependsOn = new Map(input.resources.map((r) => [r.guid, new Set(r.dependsOn)]));
  const edges = new Map<string, Omit<LiveGraphEdge, 'path'>>();
  const graphEdges: NonNullable<Graph['edges']> = [];
  const add = (edge: Omit<LiveGraphEdge, 'path'>, attributes: Record<string, string | number>) => {
    if (!dependsOn.has(edge.from) || !dependsOn.has(edge.to)) return;
    const id = `e${edges.size}`;
    edges.set(id, edge);
    graphEdges.push({ tail: edge.from, head: edge.to, attributes: { id, ...attributes } });
  };
  for (const [other, guid] of input.connections) {
    // from the dependency to its dependent: dependencies come first, left to right
    const [from, to] = dependsOn.get(other)?.has(guid) ? [guid, other] : [other, guid];
    const dependency = dependsOn.get(to)?.has(from) === true;
    add({ kind: 'connection', from, to }, { dir: 'none', weight: dependency ? 2 : 1 });
  }
  for (const condition of input.conditions) {
    for (const member of condition.group) add({ kind: 'condition', from: member, to: condition.guid, condition: condition.id }, { arrowsize: 0.8 });
  }
  return {
    graph: {
      name: 'live',
      directed: true,
      // packmode: unconnected parts in their input order (i), in what Graphviz calls columns (c):
      // turned for rankdir=LR and mirrored (see above), they are rows from the top left
      graphAttributes: { rankdir: 'LR', nodesep: 0.25, ranksep: 0.55, splines: 'true', packmode: 'array_ci' },
      nodeAttributes: { shape: 'box', fixedsize: 'true', width: BOX_WIDTH / 72, height: BOX_HEIGHT / 72, label: '' },
      nodes: input.resources.map((r) => ({ name: r.guid })),
      edges: graphEdges,
    },
    edges,
  };
}

/**
 * Graphviz's edge `pos` as SVG path data: each spline is `[s,X,Y] [e,X,Y] P0 P1 … P3n`, a
 * chain of cubic Béziers; `s` and `e` are the tips of the arrowheads at the tail and the head,
 * drawn as straight ends (the page puts its arrowhead marker at the end).
 */
export function splinePath(pos: string, dx = 0, dy = 0): string {
  const parts: string[] = [];
  for (const spline of pos.split(';')) {
    let start: string | undefined;
    let end: string | undefined;
    const points: string[] = [];
    for (const token of spline.trim().split(/\s+/)) {
      const fields = token.split(',');
      const point = (x: string | undefined, y: string | undefined) => `${round(Number(x) + dx)},${round(Number(y) + dy)}`;
      if (fields[0] === 's') start = point(fields[1], fields[2]);
      else if (fields[0] === 'e') end = point(fields[1], fields[2]);
      else if (fields.length === 2) points.push(point(fields[0], fields[1]));
    }
    if (points.length === 0) continue;
    let d = start !== undefined ? `M${start}L${points[0]}` : `M${points[0]}`;
    for (let i = 1; i + 2 < points.length; i += 3) d += `C${points[i]} ${points[i + 1]} ${points[i + 2]}`;
    if (end !== undefined) d += `L${end}`;
    parts.push(d);
  }
  return parts.join('');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
