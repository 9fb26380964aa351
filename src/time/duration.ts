/**
 * Durations as users write them: "500ms", "2s", "1.5m", "1h", compound "2m30s", or a plain
 * number of milliseconds. Anything else is a TypeError that quotes the value.
 */
import ms from 'ms';

/** A duration as users write it: `"500ms"`, `"2s"`, `"1.5m"`, `"1h"`, compound `"2m30s"`, or a number of milliseconds. */
export type Duration = string | number;

/** One `<number><unit>` part; a fresh sticky regex per call (lastIndex is state). */
const token = () => /(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)/y;

/** The longest duration an experiment may give (a timer, a run time, a condition's delay): 365 days. */
export const MAX_DURATION = 365 * 24 * 3_600_000;

/** Milliseconds in `value`, at most `MAX_DURATION` (a year). */
export function parseDuration(value: unknown): number {
  const milliseconds = parseAnyDuration(value);
  if (milliseconds > MAX_DURATION) {
    throw new TypeError(`duration ${shown(value)} is too long: at most 365d (${MAX_DURATION} ms)`);
  }
  return milliseconds;
}

function parseAnyDuration(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw invalid(value);
  }
  if (typeof value !== 'string') throw invalid(value);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === '') throw invalid(value);
  let total = 0;
  const TOKEN = token();
  let consumed = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    // rounded to the microsecond: 1.001 * 1000 is 1000.9999999999999 in floating point
    total += Math.round(ms(`${match[1]}${match[2]}` as ms.StringValue) * 1000) / 1000;
    consumed = TOKEN.lastIndex;
    while (text[consumed] === ' ') consumed++;
    TOKEN.lastIndex = consumed;
  }
  if (consumed !== text.length) throw invalid(value);
  return total;
}

/** A duration in the shortest compound form: 150000 → "2m30s", 1500 → "1.5s". */
export function formatDuration(milliseconds: number): string {
  if (milliseconds === 0) return '0s';
  const parts: string[] = [];
  let rest = milliseconds;
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (rest >= size) {
      const whole = Math.floor(rest / size);
      parts.push(`${whole}${unit}`);
      rest -= whole * size;
    }
  }
  if (rest > 0) parts.push(rest % 1000 === 0 || rest >= 1000 ? `${rest / 1000}s` : `${rest}ms`);
  return parts.join('');
}

/** A duration as an error quotes it: a string in quotes, a number as it is. */
function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function invalid(value: unknown): TypeError {
  return new TypeError(`invalid duration ${shown(value)}: expected a number of milliseconds or a string such as "500ms", "2s", "1.5m", "1h" or "2m30s"`);
}
