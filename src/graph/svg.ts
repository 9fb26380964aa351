/** DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no system Graphviz needed. */
import { NepiError } from '../errors.js';

export async function dotToSvg(dot: string): Promise<string> {
  // loaded on first use: 1.2 MB of JavaScript and WebAssembly that only drawing needs
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    const errors = result.errors.map((error) => error.message).join('; ');
    throw new NepiError(`Graphviz could not draw the graph: ${errors}`);
  }
  return result.output;
}
