import { describe, expect, it } from 'vitest';
import { confidenceInterval, hasConverged, stopReason, resolveStopSettings } from '../../src/campaign/stop-rule.js';
import { mean, standardDeviation, studentTCdf, studentTQuantile } from '../../src/campaign/statistics.js';

describe('statistics', () => {
  it('computes the mean and both standard deviations', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(standardDeviation(xs, 0)).toBeCloseTo(2, 12);
    expect(standardDeviation(xs, 1)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(standardDeviation([3], 1)).toBeNaN();
  });

  it("gives Student's t quantiles of the printed tables", () => {
    // two-sided 95% (p = 0.975) and 99% (p = 0.995) critical values
    const table: [number, number, number][] = [
      [1, 0.975, 12.7062],
      [2, 0.975, 4.3027],
      [4, 0.975, 2.7764],
      [9, 0.975, 2.2622],
      [29, 0.975, 2.0452],
      [120, 0.975, 1.9799],
      [5, 0.995, 4.0321],
      [9, 0.95, 1.8331],
    ];
    for (const [df, p, t] of table) expect(studentTQuantile(p, df)).toBeCloseTo(t, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.2622, 3);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTCdf(studentTQuantile(0.9, 7), 7)).toBeCloseTo(0.9, 10);
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
  });
});

describe("NEPI's default rule on NEPI's sample sequence", () => {
  const sequence = [10, 10, 10, 10, 12, 10, 12, 10, 10, 11];
  const settings = resolveStopSettings({ minRuns: 5 }, true);

  it('goes on at runs 5 to 9 and stops at run 10, as 2·σ/√n falls to 5% of the mean', () => {
    const decisions = sequence.map((_, i) => stopReason(settings, i + 1, sequence.slice(0, i + 1)));
    expect(decisions).toEqual([...Array(9).fill(undefined), 'converged']);
    // the arithmetic, by hand: n = 10, mean 10.5, population variance 6.5/10 = 0.65
    const interval = confidenceInterval(sequence, 'nepi')!;
    expect(interval.mean).toBe(10.5);
    expect(interval.halfWidth).toBeCloseTo((2 * Math.sqrt(0.65)) / Math.sqrt(10), 12); // 0.5099
    expect(interval.halfWidth).toBeLessThanOrEqual(0.05 * 10.5); // 0.525
    // at n = 9: mean 94/9, population variance 6.2222/9: 0.5543 > 0.5222
    const nine = confidenceInterval(sequence.slice(0, 9), 'nepi')!;
    expect(nine.halfWidth).toBeCloseTo(0.5543, 4);
    expect(nine.halfWidth).toBeGreaterThan(0.05 * nine.mean);
  });

  it('uses the population standard deviation, as numpy did: with the sample one it would not stop at 10', () => {
    const sampleSd = (2 * standardDeviation(sequence, 1)) / Math.sqrt(10); // 0.5375
    expect(sampleSd).toBeGreaterThan(0.525);
  });

  it("covers the mean less often than 95% at small n (docs/campaigns.md's table)", () => {
    // (mean - mu) sqrt(n) / s follows t(n - 1); NEPI's half width is 2 s sqrt((n - 1) / n) / sqrt(n)
    const coverage = (n: number) => 2 * studentTCdf(2 * Math.sqrt((n - 1) / n), n - 1) - 1;
    expect([2, 3, 5, 10, 20, 30].map((n) => Math.round(coverage(n) * 100))).toEqual([61, 76, 85, 91, 93, 94]);
  });

  it('checks convergence only from min-runs on', () => {
    const constant = [10, 10, 10, 10, 10];
    expect(stopReason(settings, 4, constant.slice(0, 4))).toBeUndefined();
    expect(stopReason(settings, 5, constant)).toBe('converged');
  });

  it("does not stop on the same samples with Student's t interval, which is wider at n = 10", () => {
    const t = resolveStopSettings({ minRuns: 5, interval: 't' }, true);
    expect(stopReason(t, 10, sequence)).toBeUndefined();
    const interval = confidenceInterval(sequence, 't')!;
    // t(0.975, 9) * s / sqrt(10) = 2.2622 * 0.8498 / 3.1623
    expect(interval.halfWidth).toBeCloseTo(0.6079, 3);
    expect(hasConverged(interval, 0.05)).toBe(false);
  });

  it('stops at max-runs when the metric never converges', () => {
    const noisy = resolveStopSettings({ minRuns: 2, maxRuns: 4 }, true);
    const samples = [1, 100, 1, 100];
    expect(stopReason(noisy, 3, samples.slice(0, 3))).toBeUndefined();
    expect(stopReason(noisy, 4, samples)).toBe('max-runs');
  });
});

describe('stop settings', () => {
  it('runs exactly max-runs (or runs) times without convergence', () => {
    expect(resolveStopSettings({ maxRuns: 10 }, false)).toMatchObject({ minRuns: 10, maxRuns: 10, converge: false });
    expect(resolveStopSettings({ runs: 3 }, true)).toMatchObject({ minRuns: 3, maxRuns: 3, converge: false });
  });

  it('converges between 5 and 100 runs by default', () => {
    expect(resolveStopSettings({ untilConverged: true }, true)).toMatchObject({ minRuns: 5, maxRuns: 100, converge: true, precision: 0.05 });
  });

  it('refuses what cannot work, saying why', () => {
    expect(() => resolveStopSettings({}, false)).toThrow(/say how many runs/);
    expect(() => resolveStopSettings({ untilConverged: true }, false)).toThrow(/needs a metric/);
    expect(() => resolveStopSettings({ minRuns: 5 }, false)).toThrow(/needs a metric/);
    expect(() => resolveStopSettings({ runs: 3, maxRuns: 4 }, true)).toThrow(/`runs` fixes the number of runs/);
    expect(() => resolveStopSettings({ maxRuns: 0 }, false)).toThrow('expected `maxRuns` to be a positive integer, got 0');
    expect(() => resolveStopSettings({ minRuns: 8, maxRuns: 4 }, true)).toThrow('`minRuns` (8) is more than `maxRuns` (4)');
  });
});
