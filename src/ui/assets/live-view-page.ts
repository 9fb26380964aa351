/** The live view's page and style, served by nepi itself (no CDN, nothing fetched from outside). */

import { STATE_COLORS } from '../../timeline/colors.js';

/** The colours of the states: the same as in the timeline report (timeline.html, timeline.svg). */
export const STATE_COLOURS = STATE_COLORS;

const STYLE = String.raw`
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; background: #fafafa; }
body { margin: 0; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1em; background: #263238; color: #eceff1; }
header h1 { font-size: 1.1em; margin: 0; }
header .status { font-weight: 600; padding: .1em .5em; border-radius: .3em; background: #37474f; }
header .status.running { background: #2e7d32; }
header .status.aborted { background: #c62828; }
header .status.released { background: #546e7a; }
header .status.interrupted { background: #ef6c00; }
header .conn { margin-left: auto; font-size: .85em; opacity: .8; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1em; padding: 1em; }
section { background: #fff; border: 1px solid #e0e0e0; border-radius: .4em; padding: .6em .8em; min-width: 0; }
section h2 { font-size: .95em; margin: 0 0 .5em; color: #455a64; text-transform: uppercase; letter-spacing: .04em; }
#graph-section, #timeline-section { grid-column: 1 / -1; }
#graph { overflow: auto; max-height: 75vh; }
#graph svg { display: block; background: #fff; }
#timeline svg { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: .2em .5em; border-bottom: 1px solid #eee; white-space: nowrap; }
td.type { color: #607d8b; }
td.note { color: #c62828; font-size: .85em; }
.badge { display: inline-block; min-width: 7em; padding: 0 .4em; border-radius: .3em; color: #fff; font-size: .85em; font-weight: 600; text-align: center; }
.badge.light { color: #222; }
ul { list-style: none; margin: 0; padding: 0; font-size: .9em; }
li { padding: .25em 0; border-bottom: 1px solid #f0f0f0; }
li .what { font-weight: 600; }
li .who { color: #455a64; }
li.held .left { color: #2e7d32; font-weight: 600; }
li.done { color: #9e9e9e; }
#failures li.failure { color: #b71c1c; }
#failures .cause { font-family: ui-monospace, monospace; white-space: pre-wrap; color: #222; }
.empty { color: #9e9e9e; font-style: italic; }
#log { max-height: 14em; overflow: auto; font-family: ui-monospace, monospace; font-size: .8em; margin-top: .5em; }
#log div.failed { color: #c62828; }
#log div.cond { color: #6a1b9a; }
.legend { font-size: .8em; display: flex; flex-wrap: wrap; gap: .8em; margin-top: .4em; }
.legend span::before { content: ""; display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em; background: var(--c); border-radius: .2em; }
`;

/** The page: its script comes from /live-view.js and its data from the /events stream. */
export function liveViewPage(title: string): string {
  const legend = Object.entries(STATE_COLOURS)
    .map(([state, colour]) => `<span style="--c:${colour}">${state}</span>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · nepi live view</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1 id="title">${escapeHtml(title)}</h1>
  <span id="status" class="status">connecting</span>
  <span id="elapsed"></span>
  <span id="conn" class="conn"></span>
</header>
<main>
  <section id="graph-section"><h2>Experiment</h2><div id="graph"></div><div class="legend">${legend}</div></section>
  <section><h2>Resources</h2><table><thead><tr><th>resource</th><th>type</th><th>state</th><th>for</th><th></th></tr></thead><tbody id="resources"></tbody></table></section>
  <section><h2>Conditions</h2><ul id="conditions"></ul><h2 style="margin-top:1em">Failures</h2><ul id="failures"></ul></section>
  <section id="timeline-section"><h2>Timeline</h2><div id="timeline"></div><div id="log"></div></section>
</main>
<script src="/live-view.js"></script>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
