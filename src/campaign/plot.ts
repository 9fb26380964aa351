/**
 * `nepi campaign plot DIR --x NAME`: the metric against one parameter, as an SVG written by
 * hand: each run's sample as a faint dot, each combination's mean with its confidence
 * interval as an error bar, one line (and colour) per combination of the other parameters.
 */
import type { ParameterValue } from '../files/parameters.js';
import { CampaignError } from './campaign-error.js';
import { samplesOf, type CampaignState } from './state.js';
import { confidenceInterval, type Interval } from './stop-rule.js';

export interface PlotOptions {
  /** The parameter on the x axis. */
  readonly x: string;
  readonly title?: string;
  readonly yLabel?: string;
  /** A logarithmic x axis (numeric, positive values only), ticks at the values swept. */
  readonly logX?: boolean;
  readonly width?: number;
  readonly height?: number;
}

interface Point {
  readonly x: ParameterValue;
  readonly samples: readonly number[];
  readonly mean: number | undefined;
  readonly interval: Interval | undefined;
}

interface Series {
  readonly label: string;
  readonly points: Point[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** The SVG text of the plot of `state`'s metric against parameter `options.x`. */
export function plotCampaign(state: CampaignState, options: PlotOptions): string {
  const { x } = options;
  if (!state.parameters.includes(x)) {
    const known = state.parameters.length > 0 ? `its parameters are ${state.parameters.join(', ')}` : 'it sweeps no parameter';
    throw new CampaignError(`the campaign has no parameter '${x}': ${known}`);
  }
  const series = seriesOf(state, x);
  if (!series.some((s) => s.points.some((p) => p.samples.length > 0))) {
    throw new CampaignError('no run has a metric yet: nothing to plot');
  }
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const margin = { left: 72, right: series.length > 1 ? 170 : 24, top: 52, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;

  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const numeric = xs.every((v) => typeof v === 'number');
  const categories = [...new Map(xs.map((v) => [String(v), v])).values()];
  let xScale: (v: ParameterValue) => number;
  let xTicks: { at: number; label: string }[];
  if (options.logX && !(numeric && xs.every((v) => v > 0))) {
    throw new CampaignError(`a logarithmic x axis needs positive numbers, and '${x}' has ${categories.map(String).join(', ')}`);
  }
  if (numeric && options.logX) {
    const logs = xs.map(Math.log10);
    const [lo, hi] = paddedRange(Math.min(...logs), Math.max(...logs), 0.06);
    xScale = (v) => margin.left + ((Math.log10(Number(v)) - lo) / (hi - lo)) * plotW;
    xTicks = categories.map((v) => ({ at: xScale(v), label: String(v) }));
  } else if (numeric) {
    const values = xs;
    const [lo, hi] = paddedRange(Math.min(...values), Math.max(...values), 0.06);
    xScale = (v) => margin.left + ((Number(v) - lo) / (hi - lo)) * plotW;
    xTicks = niceTicks(lo, hi, 6).map((t) => ({ at: xScale(t), label: formatNumber(t) }));
  } else {
    const step = plotW / categories.length;
    const position = new Map(categories.map((v, i) => [String(v), margin.left + step * (i + 0.5)]));
    xScale = (v) => position.get(String(v))!;
    xTicks = categories.map((v) => ({ at: xScale(v), label: String(v) }));
  }
  const ys = series.flatMap((s) => s.points.flatMap((p) => [...p.samples, ...(p.interval ? [p.interval.low, p.interval.high] : [])]));
  const [yLo, yHi] = paddedRange(Math.min(...ys), Math.max(...ys), 0.08);
  const yScale = (v: number) => margin.top + plotH - ((v - yLo) / (yHi - yLo)) * plotH;
  const yTicks = niceTicks(yLo, yHi, 6).filter((t) => t >= yLo && t <= yHi);

  const out: string[] = [];
  const method = state.stop.interval === 't' ? `Student t, ${Math.round(state.stop.confidence * 100)}%` : 'NEPI: 2σ/√n, about 95%';
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold">${escape(options.title ?? `${state.expId}: metric against ${x}`)}</text>`,
    `<text x="${margin.left}" y="40" fill="#555">mean of each combination with its confidence interval (${escape(method)}); dots are runs</text>`,
  );
  // grid and axes
  for (const t of yTicks) {
    const y = yScale(t);
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(y)}" y2="${f(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 8}" y="${f(y + 4)}" text-anchor="end">${escape(formatNumber(t))}</text>`);
  }
  for (const t of xTicks) {
    if (t.at < margin.left - 0.5 || t.at > margin.left + plotW + 0.5) continue;
    out.push(`<line x1="${f(t.at)}" x2="${f(t.at)}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${f(t.at)}" y="${margin.top + plotH + 19}" text-anchor="middle">${escape(t.label)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle" font-size="13">${escape(options.logX ? `${x} (log scale)` : x)}</text>`,
  );
  const yLabel = options.yLabel ?? defaultYLabel(state);
  out.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escape(yLabel)}</text>`);

  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    // a small offset between series so that bars at the same x do not hide each other
    const offset = series.length > 1 ? (i - (series.length - 1) / 2) * 6 : 0;
    const px = (v: ParameterValue) => xScale(v) + offset;
    const means = s.points.filter((p) => p.mean !== undefined);
    const line = [...means].sort((a, b) => (numeric ? Number(a.x) - Number(b.x) : 0));
    if (line.length > 1) {
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${line.map((p) => `${f(px(p.x))},${f(yScale(p.mean!))}`).join(' ')}"/>`);
    }
    for (const p of s.points) {
      for (const sample of p.samples) {
        out.push(`<circle cx="${f(px(p.x) - 9)}" cy="${f(yScale(sample))}" r="2.2" fill="${colour}" fill-opacity="0.35"/>`);
      }
      if (p.interval) {
        const [top, bottom] = [yScale(p.interval.high), yScale(p.interval.low)];
        out.push(
          `<line x1="${f(px(p.x))}" x2="${f(px(p.x))}" y1="${f(top)}" y2="${f(bottom)}" stroke="${colour}" stroke-width="1.5"/>`,
          `<line x1="${f(px(p.x) - 5)}" x2="${f(px(p.x) + 5)}" y1="${f(top)}" y2="${f(top)}" stroke="${colour}" stroke-width="1.5"/>`,
          `<line x1="${f(px(p.x) - 5)}" x2="${f(px(p.x) + 5)}" y1="${f(bottom)}" y2="${f(bottom)}" stroke="${colour}" stroke-width="1.5"/>`,
        );
      }
      if (p.mean !== undefined) {
        const n = p.samples.length;
        const title = `${x}=${String(p.x)}${s.label ? ` ${s.label}` : ''}: mean ${formatNumber(p.mean)}${
          p.interval ? ` ± ${formatNumber(p.interval.halfWidth)}` : ''
        } (n=${n})`;
        out.push(`<circle cx="${f(px(p.x))}" cy="${f(yScale(p.mean))}" r="4" fill="${colour}"><title>${escape(title)}</title></circle>`);
      }
    }
    if (series.length > 1) {
      const ly = margin.top + 14 + i * 20;
      const lx = margin.left + plotW + 16;
      out.push(`<circle cx="${lx + 6}" cy="${ly - 4}" r="4" fill="${colour}"/>`, `<text x="${lx + 16}" y="${ly}">${escape(s.label)}</text>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One series per combination of the parameters other than `x`, in the campaign's order. */
function seriesOf(state: CampaignState, x: string): Series[] {
  const others = state.parameters.filter((name) => name !== x);
  const byLabel = new Map<string, Series>();
  for (const combination of state.combinations) {
    const label = others.map((name) => `${name}=${String(combination.parameters[name])}`).join(' ');
    let series = byLabel.get(label);
    if (!series) byLabel.set(label, (series = { label, points: [] }));
    const samples = samplesOf(combination);
    series.points.push({
      x: combination.parameters[x]!,
      samples,
      mean: samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : undefined,
      interval: confidenceInterval(samples, state.stop.interval, state.stop.confidence),
    });
  }
  return [...byLabel.values()];
}

function defaultYLabel(state: CampaignState): string {
  if (state.metric.kind === 'command') {
    const command = state.metric.command;
    return command.length > 48 ? `metric (${command.slice(0, 45)}...)` : `metric (${command})`;
  }
  return 'metric';
}

function paddedRange(lo: number, hi: number, fraction: number): [number, number] {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * fraction;
  return [lo - pad, hi + pad];
}

/** About `count` round ticks (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
