// The few statistics the bench reports: latency percentiles over every response of a target, and
// how far the per-slice ratios of two targets let a pooled ratio be trusted on a noisy machine.

export const mean = (xs) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Nearest-rank percentile of an ascending array; p in (0, 100]. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** p50, p99 and max of response times (ms) gathered over several runs. */
export function latencySummary(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length === 0 ? NaN : sorted[sorted.length - 1] };
}

// Student's t, two-sided 95 %, by degrees of freedom 1…30; beyond that the normal 1.96 is close enough.
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * The ratios of A's to B's req/s slice by slice (each pair ran back to back): their median, and a
 * 95 % confidence interval of their mean. A pooled ratio whose interval straddles a target is not
 * resolved by this run, whichever side of the target it falls.
 */
export function ratioSummary(ratios) {
  const n = ratios.length;
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = n === 0 ? NaN : n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const m = mean(ratios);
  const sd = n < 2 ? NaN : Math.sqrt(ratios.reduce((a, r) => a + (r - m) ** 2, 0) / (n - 1));
  const half = n < 2 ? NaN : (T_975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { n, median, mean: m, sd, ci95: [m - half, m + half], min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN };
}
