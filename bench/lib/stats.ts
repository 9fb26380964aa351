/** Small helpers shared by the benchmark scenarios: statistics, heap, random numbers, tables. */

/** The value at quantile `q` (0..1) of `xs`, nearest rank; NaN for an empty list. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** p50, p99 and max of a distribution (one run's latencies, say). */
export interface Percentiles {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(xs: readonly number[]): Percentiles {
  return { n: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs) };
}

/** How one metric varied over the runs of a scenario. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** max - min. */
  readonly spread: number;
  readonly runs: readonly number[];
}

export function spread(xs: readonly number[]): Spread {
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return { median: median(xs), min, max, spread: max - min, runs: [...xs] };
}

/** Every numeric field of `samples`, summarised over the runs. */
export function summarise<T extends object>(samples: readonly T[]): Record<string, Spread> {
  const out: Record<string, Spread> = {};
  const first = samples[0];
  if (!first) return out;
  for (const [key, value] of Object.entries(first)) {
    if (typeof value !== 'number') continue;
    out[key] = spread(samples.map((s) => (s as Record<string, number>)[key]!));
  }
  return out;
}

/** heapUsed after a full garbage collection (needs `node --expose-gc`). */
export function settledHeap(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * The highest heapUsed seen: sampled every few milliseconds while the event loop turns, and
 * at every `mark()` (call it where garbage peaks: at the end of a phase, before any GC).
 * Long synchronous stretches are not sampled inside, so this is a lower bound of the peak.
 */
export class HeapPeak {
  /** The highest heapUsed any HeapPeak of this process saw. */
  static overall = 0;
  #peak = 0;
  #timer: NodeJS.Timeout | undefined;

  start(intervalMs = 5): this {
    this.mark();
    this.#timer = setInterval(() => this.mark(), intervalMs);
    this.#timer.unref();
    return this;
  }

  mark(): void {
    const used = process.memoryUsage().heapUsed;
    if (used > this.#peak) this.#peak = used;
    if (used > HeapPeak.overall) HeapPeak.overall = used;
  }

  stop(): number {
    this.mark();
    clearInterval(this.#timer);
    return this.#peak;
  }
}

/** A seeded pseudo-random generator (mulberry32): the same experiment every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Wall time of `fn` in milliseconds, with its result. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

/** Numbers for tables: `digits` decimals, thousands separated. */
export function fmt(x: number | undefined, digits = 0): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const seconds = (ms: number) => fmt(ms / 1000, 2);
export const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;
export const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MB`;

/** A Markdown table (what docs/benchmarks.md holds); numeric-looking columns right-aligned. */
/**
 * The columns of a delay distribution summarised over runs (`summarise` of samples with
 * p50Ms, p99Ms, maxMs, minMs, wallMs and peakHeapBytes): medians, and the spread of the p99.
 */
export function delayColumns(s: Record<string, Spread>): Record<string, string> {
  return {
    'p50 ms': fmt(s['p50Ms']!.median, 3),
    'p99 ms': fmt(s['p99Ms']!.median, 3),
    'max ms': fmt(s['maxMs']!.median, 3),
    'p99 spread ms': fmt(s['p99Ms']!.spread, 3),
    'min ms': fmt(s['minMs']!.median, 3),
    'wall s': seconds(s['wallMs']!.median),
    'peak heap': mb(s['peakHeapBytes']!.median),
  };
}

export function markdownTable(rows: readonly Record<string, string>[]): string {
  const first = rows[0];
  if (!first) return '(no rows)';
  const columns = Object.keys(first);
  const number = /^(-|-?[\d,.]+ ?(s|ms|µs|KB|MB|GB|%|x)?)$/;
  const numeric = columns.map((c) => rows.every((r) => number.test(r[c] ?? '')));
  const widths = columns.map((c) => Math.max(c.length, 3, ...rows.map((r) => (r[c] ?? '').length)));
  const cell = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((c, i) => cell(c, i))),
    line(columns.map((_, i) => (numeric[i] ? `${'-'.repeat(widths[i]! - 1)}:` : '-'.repeat(widths[i]!)))),
    ...rows.map((r) => line(columns.map((c, i) => cell(r[c] ?? '', i)))),
  ].join('\n');
}
