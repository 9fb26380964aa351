/**
 * The timeline as one self-contained HTML page: the SVG inline, its style and its script
 * (zoom, folding types, a filter on names). Nothing is loaded from anywhere else.
 */
import { TIMELINE_SCRIPT } from './html-script.js';
import type { TimelineModel } from './model.js';
import { renderTimelineSvg } from './svg.js';
import { escapeXml } from './xml.js';

const PAGE_STYLE = `
body { margin: 0; font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 12px; border-bottom: 1px solid #ddd; background: #fbfbfb; position: sticky; top: 0; }
header h1 { font-size: 15px; margin: 0 12px 0 0; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40vw; }
header button { font-size: 14px; min-width: 32px; padding: 2px 8px; }
header input { font-size: 13px; padding: 3px 6px; width: 180px; }
header .hint { font-size: 12px; color: #666; margin-left: auto; }
#zoom-level { font-size: 12px; min-width: 44px; text-align: center; }
#chart { overflow: auto; height: calc(100vh - 47px); }
#chart svg { display: block; }
text.group-label[data-collapsed=true] { fill: #999; }
text.group-label { cursor: pointer; }
`;

/**
 * The timeline as one self-contained HTML page (the SVG inline, with zoom, folding and a filter on names); nothing is loaded from elsewhere.
 * @example
 * ```ts
 * const run = await readRun(runDir);
 * const html = renderTimelineHtml(buildTimeline({ title: runDir, ...run }));
 * ```
 */
export function renderTimelineHtml(model: TimelineModel): string {
  const svg = renderTimelineSvg(model);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(model.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeXml(model.title)}</h1>
<button id="zoom-out" title="zoom out (-)">&#8722;</button><span id="zoom-level">100%</span><button id="zoom-in" title="zoom in (+)">+</button>
<button id="zoom-fit" title="fit the window (0)">fit</button>
<input id="filter" type="search" placeholder="filter resources by name">
<span class="hint">Ctrl+wheel zooms at the pointer; click a type to fold its rows; hover for details</span>
</header>
<div id="chart">
${svg}</div>
<script>${TIMELINE_SCRIPT}</script>
</body>
</html>
`;
}
