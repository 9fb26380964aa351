/** Where the live view's graph drew its boxes and edges, read from the page's DOM (what the user sees). */
import type { Page } from 'playwright-core';

/** A box of the graph, in CSS pixels from the top-left corner of the graph area's scrollable content. */
export interface Box {
  readonly guid: string;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface GraphGeometry {
  readonly boxes: readonly Box[];
  /** The graph area (#graph): what it shows at once, and all it can show by scrolling. */
  readonly area: { readonly clientWidth: number; readonly clientHeight: number; readonly scrollWidth: number; readonly scrollHeight: number };
}

export async function graphGeometry(page: Page): Promise<GraphGeometry> {
  return page.locator('#graph').evaluate((area) => {
    const origin = area.getBoundingClientRect();
    const boxes = [...area.querySelectorAll('g.node')].map((node) => {
      const r = node.querySelector('rect')!.getBoundingClientRect();
      const left = r.left - origin.left - area.clientLeft + area.scrollLeft;
      const top = r.top - origin.top - area.clientTop + area.scrollTop;
      return { guid: node.getAttribute('data-guid')!, left, top, right: left + r.width, bottom: top + r.height };
    });
    return {
      boxes,
      area: { clientWidth: area.clientWidth, clientHeight: area.clientHeight, scrollWidth: area.scrollWidth, scrollHeight: area.scrollHeight },
    };
  });
}

/** The pairs of boxes that overlap (sharing an edge is not overlapping). */
export function overlaps(boxes: readonly Box[]): string[] {
  const found: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) found.push(`${a.guid} and ${b.guid}`);
    }
  }
  return found;
}

/** The boxes that reach outside the graph area's scrollable content (they would be cut off). */
export function outside(geometry: GraphGeometry): string[] {
  const { scrollWidth, scrollHeight } = geometry.area;
  return geometry.boxes.filter((b) => b.left < 0 || b.top < 0 || b.right > scrollWidth + 0.5 || b.bottom > scrollHeight + 0.5).map((b) => b.guid);
}
