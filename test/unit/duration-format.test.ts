import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/time/duration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1.5s'],
    [150_000, '2m30s'],
    [3_723_000, '1h2m3s'],
  ])('formats %i ms in the shortest compound form %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([0, 250, 1_500, 150_000, 3_723_000, 61_100, 7_200_000])('round-trips %i ms through parseDuration', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  // Regression: 1.001 * 1000 is 1000.9999999999999 in floating point; parsing rounds it.
  it('round-trips millisecond-precise values above one second such as 1001', () => {
    expect(parseDuration(formatDuration(1_001))).toBe(1_001);
  });
});
