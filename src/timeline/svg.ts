/**
 * A timeline as SVG: a label column, a time axis, one row per resource grouped under a
 * header per type, a coloured bar per state, a red cross per failure and an arrow per
 * condition that held. Every drawn element carries `data-*` attributes saying what it stands
 * for (times in ms since the first record), which the HTML page uses to zoom and tests use
 * to check the drawing.
 */
import { formatDuration } from '../time/duration.js';
import { STATE_COLORS, stateColor } from './colors.js';
import type { TimelineArrow, TimelineBar, TimelineModel, TimelineRow } from './model.js';
import { attrs, escapeXml, round } from './xml.js';

export interface TimelineLayout {
  /** Width of the label column. */
  readonly labelWidth: number;
  /** Width of the time axis at zoom 1. */
  readonly chartWidth: number;
  readonly rowHeight: number;
  readonly groupHeight: number;
  /** y of the first group header. */
  readonly top: number;
  /** Pixels per ms. */
  readonly scale: number;
  readonly width: number;
  readonly height: number;
}

const PAD = 12;
const GROUP_HEIGHT = 20;
const TOP = 78;
/** The row above the axis that labels the marks (controller down, interrupted), when there are some. */
const MARKS_ROW = 18;

/** Rows get thinner as there are more of them, so 1,000 resources still fit a screen's width of reading. */
function rowHeightFor(rows: number): number {
  if (rows <= 100) return 18;
  if (rows <= 400) return 12;
  return 10;
}

export function layoutTimeline(model: TimelineModel, chartWidth = 1000): TimelineLayout {
  const rows = model.groups.reduce((n, group) => n + group.rows.length, 0);
  const longest = Math.max(8, ...model.groups.flatMap((group) => group.rows.map((row) => row.guid.length)));
  const labelWidth = Math.min(260, 24 + longest * 7);
  const rowHeight = rowHeightFor(rows);
  const span = Math.max(1, model.end - model.start);
  const top = TOP + (hasMarks(model) ? MARKS_ROW : 0);
  const height = top + model.groups.length * GROUP_HEIGHT + rows * rowHeight + PAD;
  return {
    labelWidth,
    chartWidth,
    rowHeight,
    groupHeight: GROUP_HEIGHT,
    top,
    scale: chartWidth / span,
    width: labelWidth + chartWidth + 2 * PAD,
    height,
  };
}

/** Round tick steps: 1, 2 or 5 times a power of ten ms, about `count` of them over `span`. */
export function tickStep(span: number, count = 10): number {
  const raw = Math.max(span, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

const STYLE = `
.nepi-timeline { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }
.nepi-timeline .title { font-size: 15px; font-weight: 600; }
.nepi-timeline .subtitle, .nepi-timeline .legend text { font-size: 11px; fill: #555; }
.nepi-timeline .tick line { stroke: #e4e4e4; }
.nepi-timeline .tick text { font-size: 10px; fill: #666; }
.nepi-timeline .group-header rect { fill: #f3f3f3; }
.nepi-timeline .group-label { font-size: 11px; font-weight: 600; fill: #333; }
.nepi-timeline .label { fill: #222; dominant-baseline: central; }
.nepi-timeline .stripe { fill: #fafafa; }
.nepi-timeline .bar { stroke: none; }
.nepi-timeline .failure { stroke: #a50f15; stroke-width: 2; fill: none; }
.nepi-timeline .arrow { stroke: #252525; stroke-width: 1.2; fill: none; opacity: 0.75; }
.nepi-timeline .arrow.unreleased { stroke-dasharray: 4 3; }
/* the bars, arrows and headers under a band or a line keep their tooltips and clicks; the labels say what they are */
.nepi-timeline .downtime-band { fill: url(#nepi-hatch); stroke: #757575; stroke-width: 0.5; stroke-dasharray: 2 2; pointer-events: none; }
.nepi-timeline .downtime-label { font-size: 11px; fill: #424242; font-weight: 600; }
.nepi-timeline .interrupt-line { stroke: #c62828; stroke-width: 1.5; pointer-events: none; }
.nepi-timeline .interrupt-label { font-size: 11px; fill: #c62828; font-weight: 600; }
`;

/** The whole SVG document. */
export function renderTimelineSvg(model: TimelineModel, chartWidth = 1000): string {
  const layout = layoutTimeline(model, chartWidth);
  const { labelWidth, rowHeight, groupHeight, top, scale, width, height } = layout;
  const chartLeft = labelWidth + PAD;
  const x = (time: number) => chartLeft + (time - model.start) * scale;
  const fontSize = rowHeight >= 16 ? 11 : rowHeight >= 12 ? 9 : 8;
  const rowCount = model.groups.reduce((n, group) => n + group.rows.length, 0);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" ${attrs({
      class: 'nepi-timeline',
      width,
      height,
      viewBox: `0 0 ${round(width)} ${round(height)}`,
      'data-start': model.start,
      'data-end': model.end,
      'data-scale': String(scale), // not rounded: the page zooms from it
      'data-chart-left': chartLeft,
      'data-chart-width': layout.chartWidth,
      'data-label-width': labelWidth,
      'data-row-height': rowHeight,
      'data-group-height': groupHeight,
      'data-top': top,
    })}>`,
  );
  out.push(`<style>${STYLE}</style>`);
  out.push(
    '<defs><marker id="nepi-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M 0 0 L 10 5 L 0 10 z" fill="#252525"/></marker>' +
      '<pattern id="nepi-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<rect width="8" height="8" fill="#ffffff" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="8" stroke="#9e9e9e" stroke-width="3" stroke-opacity="0.6"/></pattern></defs>',
  );
  out.push(`<rect class="background" x="0" y="0" width="100%" height="100%" fill="#ffffff"/>`);
  const span = model.end - model.start;
  out.push(`<text class="title" x="${PAD}" y="22">${escapeXml(model.title)}</text>`);
  out.push(
    `<text class="subtitle" x="${PAD}" y="40">${rowCount} resource${rowCount === 1 ? '' : 's'}, ${model.stateChanges} state change${
      model.stateChanges === 1 ? '' : 's'
    }, ${model.arrows.length} condition${model.arrows.length === 1 ? '' : 's'} held, ${formatDuration(Math.round(span))}${marksSummary(model)}</text>`,
  );
  out.push(renderLegend(chartLeft));
  out.push(renderAxis(model, layout, chartLeft));

  // rows: group headers and resource rows, each a <g> moved into place by a transform
  const rowY = new Map<string, number>();
  const labels: string[] = [];
  out.push('<g class="rows">');
  let y = top;
  let stripe = 0;
  for (const group of model.groups) {
    out.push(
      `<g ${attrs({ class: 'group-header', 'data-type': group.type, transform: `translate(0,${round(y)})` })}>` +
        `<rect x="0" y="0" width="100%" height="${groupHeight}"/></g>`,
    );
    // its name goes with the labels, which stay in view when the page scrolls sideways
    labels.push(
      `<text ${attrs({ class: 'group-label', 'data-type': group.type, x: PAD, y: y + groupHeight / 2 + 4 })}>${escapeXml(
        `${group.type} (${group.rows.length})`,
      )}</text>`,
    );
    y += groupHeight;
    for (const row of group.rows) {
      rowY.set(row.guid, y);
      out.push(renderRow(row, y, rowHeight, x, model.start, stripe++ % 2 === 1));
      labels.push(
        `<text ${attrs({ class: 'label', 'data-guid': row.guid, x: PAD + 8, y: y + rowHeight / 2, 'font-size': fontSize })}>${escapeXml(
          shorten(row.guid, Math.floor((labelWidth - PAD - 8) / (fontSize * 0.6))),
        )}<title>${escapeXml(`${row.guid} (${row.type})`)}</title></text>`,
      );
      y += rowHeight;
    }
  }
  out.push('</g>');

  // over the bars, under the arrows: when the controller was down, and where the run was interrupted
  out.push(renderMarks(model, layout, x));

  out.push('<g class="arrows">');
  for (const arrow of model.arrows) out.push(renderArrow(arrow, rowY, rowHeight, x, model.start));
  out.push('</g>');

  // the label column last, so it covers the chart when the HTML page scrolls it sideways
  out.push('<g class="labels">');
  out.push(`<rect class="label-background" x="0" y="${top}" width="${labelWidth + PAD / 2}" height="${round(height - top)}" fill="#ffffff"/>`);
  out.push(...labels);
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function hasMarks(model: TimelineModel): boolean {
  return model.downtimes.length > 0 || model.interruptions.length > 0;
}

/** A length as the marks say it: ms below a second, else to a tenth of a second (`12.3s`, `1m2.5s`). */
export function shortDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : formatDuration(Math.round(ms / 100) * 100);
}

/** What the subtitle adds: `; controller down 12.3s (1 resume); interrupted by SIGINT`. */
function marksSummary(model: TimelineModel): string {
  let text = '';
  if (model.downtimes.length > 0) {
    const down = model.downtimes.reduce((sum, d) => sum + (d.to - d.from), 0);
    text += `; controller down ${shortDuration(down)} (${model.downtimes.length} resume${model.downtimes.length === 1 ? '' : 's'})`;
  }
  for (const interruption of model.interruptions) text += `; interrupted by ${interruption.by}`;
  return text;
}

/**
 * The marks: a hatched band from the last record before the controller died to the resume,
 * labelled with its length; a red line where the run was interrupted, labelled with by what.
 * Their labels sit in a row of their own above the axis.
 */
function renderMarks(model: TimelineModel, layout: TimelineLayout, x: (time: number) => number): string {
  if (!hasMarks(model)) return '';
  const { top, height } = layout;
  const labelY = top - 22;
  const parts: string[] = ['<g class="marks">'];
  for (const down of model.downtimes) {
    const length = down.to - down.from;
    const what = `controller down ${shortDuration(length)}`;
    const title =
      `${what}: no record from +${formatDuration(Math.round(down.from - model.start))} (the last one before the controller died)` +
      ` to +${formatDuration(Math.round(down.to - model.start))} (nepi resume); it died some time in between`;
    parts.push(
      `<g ${attrs({ class: 'downtime', 'data-kind': 'downtime', 'data-t1': down.from - model.start, 'data-t2': down.to - model.start, 'data-duration': length })}>` +
        `<rect ${attrs({ class: 'downtime-band', x: x(down.from), y: top - 6, width: Math.max(1, x(down.to) - x(down.from)), height: height - top + 6 })}/>` +
        `<text ${attrs({ class: 'downtime-label', x: x(down.from) + 3, y: labelY })}>${escapeXml(what)}</text>` +
        `<title>${escapeXml(title)}</title></g>`,
    );
  }
  for (const interruption of model.interruptions) {
    const at = x(interruption.time);
    const what = `interrupted by ${interruption.by}`;
    const unfinished = interruption.unfinished.map((u) => `${u.guid} (${u.state})`).join(', ');
    const title = `${what} at +${formatDuration(Math.round(interruption.time - model.start))}${unfinished ? `; not ended: ${unfinished}` : ''}`;
    parts.push(
      `<g ${attrs({
        class: 'interrupt',
        'data-kind': 'interrupt',
        'data-t': interruption.time - model.start,
        'data-by': interruption.by,
        'data-unfinished': JSON.stringify(interruption.unfinished.map((u) => u.guid)),
      })}>` +
        `<line ${attrs({ class: 'interrupt-line', x1: at, x2: at, y1: top - 18, y2: height })}/>` +
        `<text ${attrs({ class: 'interrupt-label', x: at - 4, y: labelY, 'text-anchor': 'end' })}>${escapeXml(what)}</text>` +
        `<title>${escapeXml(title)}</title></g>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function renderLegend(left: number): string {
  const items = Object.entries(STATE_COLORS).filter(([state]) => state !== 'NEW');
  let x = left;
  const parts = items.map(([state, color]) => {
    const part = `<rect x="${x}" y="50" width="12" height="10" fill="${color}"/><text x="${x + 16}" y="59">${state}</text>`;
    x += 28 + state.length * 7;
    return part;
  });
  const after = x;
  parts.push(
    `<path class="failure" d="M ${after} 50 l 10 10 m 0 -10 l -10 10"/><text x="${after + 16}" y="59">failure</text>`,
    `<path class="arrow" d="M ${after + 80} 55 l 22 0" marker-end="url(#nepi-arrowhead)"/><text x="${after + 108}" y="59">condition</text>`,
  );
  return `<g class="legend">${parts.join('')}</g>`;
}

function renderAxis(model: TimelineModel, layout: TimelineLayout, chartLeft: number): string {
  const span = Math.max(1, model.end - model.start);
  const step = tickStep(span);
  const parts: string[] = [];
  for (let t = 0; t <= span + step / 1000; t += step) {
    const x = chartLeft + t * layout.scale;
    parts.push(
      `<g class="tick" data-t="${round(t)}"><line x1="${round(x)}" x2="${round(x)}" y1="${layout.top - 6}" y2="${round(layout.height)}"/>` +
        `<text x="${round(x)}" y="${layout.top - 9}" text-anchor="middle">${formatDuration(Math.round(t * 1000) / 1000)}</text></g>`,
    );
  }
  return `<g class="axis">${parts.join('')}</g>`;
}

function renderRow(row: TimelineRow, y: number, height: number, x: (time: number) => number, origin: number, striped: boolean): string {
  const parts: string[] = [`<g ${attrs({ class: 'row', 'data-guid': row.guid, 'data-type': row.type, transform: `translate(0,${round(y)})` })}>`];
  if (striped) parts.push(`<rect class="stripe" x="0" y="0" width="100%" height="${height}"/>`);
  const barHeight = Math.max(4, height - 4);
  for (const bar of row.bars) parts.push(renderBar(row, bar, x, origin, (height - barHeight) / 2, barHeight));
  for (const failure of row.failures) {
    const cx = x(failure.time);
    const r = Math.max(3, height / 2 - 2);
    parts.push(
      `<path ${attrs({
        class: 'failure',
        'data-kind': 'failure',
        'data-guid': row.guid,
        'data-t': failure.time - origin,
        'data-step': failure.step,
        d: `M ${round(cx - r)} ${round(height / 2 - r)} l ${round(2 * r)} ${round(2 * r)} m 0 ${round(-2 * r)} l ${round(-2 * r)} ${round(2 * r)}`,
      })}><title>${escapeXml(`${row.guid} failed${failure.step ? ` at ${failure.step}` : ''}: ${failure.error}`)}</title></path>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function renderBar(row: TimelineRow, bar: TimelineBar, x: (time: number) => number, origin: number, y: number, height: number): string {
  const left = x(bar.start);
  const width = Math.max(0, x(bar.end) - left);
  const duration = formatDuration(Math.round((bar.end - bar.start) * 1000) / 1000);
  const cause = bar.error !== undefined ? `\n${bar.step ? `${bar.step}: ` : ''}${bar.error}` : '';
  return `<rect ${attrs({
    class: `bar state-${bar.state}`,
    'data-kind': 'bar',
    'data-guid': row.guid,
    'data-state': bar.state,
    'data-from': bar.from,
    'data-start': bar.start - origin,
    'data-end': bar.end - origin,
    x: left,
    y,
    width,
    height,
    fill: stateColor(bar.state),
  })}><title>${escapeXml(`${row.guid} ${bar.state} at +${formatDuration(Math.round((bar.start - origin) * 1000) / 1000)} for ${duration}${cause}`)}</title></rect>`;
}

function renderArrow(arrow: TimelineArrow, rowY: ReadonlyMap<string, number>, rowHeight: number, x: (time: number) => number, origin: number): string {
  const y1 = (rowY.get(arrow.from.guid) ?? 0) + rowHeight / 2;
  const y2 = (rowY.get(arrow.to.guid) ?? 0) + rowHeight / 2;
  const x1 = x(arrow.from.time);
  const x2 = x(arrow.to.time);
  const delay = arrow.delay > 0 ? ` + ${formatDuration(arrow.delay)}` : '';
  const what = `${arrow.action} ${arrow.guid} after ${arrow.group.join(', ')} ${arrow.state}${delay}${arrow.released ? '' : ' (never released)'}`;
  return `<path ${attrs({
    class: `arrow${arrow.released ? '' : ' unreleased'}`,
    'data-kind': 'arrow',
    'data-guid': arrow.guid,
    'data-action': arrow.action,
    'data-group': JSON.stringify(arrow.group),
    'data-state': arrow.state,
    'data-delay': arrow.delay,
    'data-from': arrow.from.guid,
    'data-t1': arrow.from.time - origin,
    'data-t2': arrow.to.time - origin,
    'data-released': String(arrow.released),
    d: arrowPath(x1, y1, x2, y2),
    'marker-end': 'url(#nepi-arrowhead)',
  })}><title>${escapeXml(what)}</title></path>`;
}

/** A curve from the member's row to the target's, leaving and arriving vertically. */
export function arrowPath(x1: number, y1: number, x2: number, y2: number): string {
  // within one row (a resource's condition on itself) it bulges above the row
  const mid = Math.abs(y1 - y2) < 1 ? y1 - 12 : (y1 + y2) / 2;
  return `M ${round(x1)} ${round(y1)} C ${round(x1)} ${round(mid)} ${round(x2)} ${round(mid)} ${round(x2)} ${round(y2)}`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
