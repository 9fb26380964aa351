/**
 * The statistics a campaign needs, written out so that nothing numeric comes from a
 * dependency: mean, standard deviations, and Student's t quantiles (through the regularised
 * incomplete beta function).
 */

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  let sum = 0;
  for (const x of samples) sum += x;
  return sum / samples.length;
}

/**
 * The standard deviation with `ddof` degrees of freedom taken off: 0 for the population's
 * (numpy's default, which NEPI used), 1 for the sample's (the unbiased variance).
 */
export function standardDeviation(samples: readonly number[], ddof: 0 | 1): number {
  const n = samples.length;
  if (n - ddof <= 0) return Number.NaN;
  const m = mean(samples);
  let squares = 0;
  for (const x of samples) squares += (x - m) ** 2;
  return Math.sqrt(squares / (n - ddof));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // the fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const step of [0, 1]) {
      const numerator = step === 0 ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)) : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + numerator * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      f *= d * c;
      if (step === 1 && Math.abs(d * c - 1) < 1e-15) return (front * f) / a;
    }
  }
  return (front * f) / a;
}

/** P(T <= t) for Student's t distribution with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The quantile of Student's t distribution: the t with P(T <= t) = p, for 0 < p < 1 and
 * df > 0. Found by bisection on the CDF, to about 1e-12.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`expected a probability strictly between 0 and 1, got ${p}`);
  if (!(df > 0)) throw new RangeError(`expected positive degrees of freedom, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, high); i++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, df) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
