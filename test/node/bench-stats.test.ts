/**
 * The statistics behind BENCHMARKS.md's verdicts: a wrong percentile or interval would mark a row
 * met or "within noise" when it is not, and a wrong profile summary would send the search for
 * lost time to the wrong function.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module of the bench, without type declarations.
import { latencySummary, percentile, ratioSummary } from '../../bench/lib/stats.mjs';
// @ts-expect-error: a plain .mjs module of the bench, without type declarations.
import { summariseProfile } from '../../bench/lib/profile.mjs';

describe('percentile (nearest rank)', () => {
  it('Should pick the value at rank ceil(p/100 × n)', () => {
    const sorted = Array.from({ length: 100 }, (_v, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('Should sort response times numerically before taking percentiles', () => {
    // A lexical sort would put 100 before 9 and report 9 as the maximum.
    const latencies = [9, 100, 20, 3, ...Array.from({ length: 96 }, () => 5)];
    expect(latencySummary(latencies)).toEqual({ p50: 5, p99: 20, max: 100 });
  });
});

describe('ratioSummary', () => {
  it('Should give the median and a Student-t 95 % interval of the mean', () => {
    const summary = ratioSummary([0.8, 1.0, 0.9, 1.1, 0.7]);
    expect(summary.n).toBe(5);
    expect(summary.median).toBeCloseTo(0.9, 10);
    expect(summary.mean).toBeCloseTo(0.9, 10);
    // sd = sqrt(0.1 / 4) = 0.1581; t(4) = 2.776; half-width = 2.776 × 0.1581 / √5 = 0.1963.
    expect(summary.ci95[0]).toBeCloseTo(0.9 - 0.1963, 3);
    expect(summary.ci95[1]).toBeCloseTo(0.9 + 0.1963, 3);
    expect([summary.min, summary.max]).toEqual([0.7, 1.1]);
  });

  it('Should average the middle pair for an even count, and narrow the interval as slices agree', () => {
    expect(ratioSummary([1, 2, 3, 4]).median).toBe(2.5);
    const tight = ratioSummary([0.95, 0.95, 0.95, 0.95]);
    expect(tight.ci95).toEqual([0.95, 0.95]);
  });

  it('Should leave the interval undefined for a single slice', () => {
    const one = ratioSummary([0.9]);
    expect(one.median).toBe(0.9);
    expect(one.ci95.every(Number.isNaN)).toBe(true);
  });
});

describe('summariseProfile', () => {
  it('Should leave out the idle stretch the first sample after it carries, not bill it to that frame', () => {
    // root → route → resolve; ten 1 ms samples in route, one in resolve that arrives after 20 s.
    const frame = (functionName: string) => ({ functionName, url: 'index.js', lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('route'), children: [3] },
        { id: 3, callFrame: frame('resolve'), children: [] },
      ],
      samples: [2, 2, 3, 2, 2, 2, 2, 2, 2, 2, 2],
      timeDeltas: [1000, 1000, 20_000_000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    };
    const summary = summariseProfile(profile);
    // The 20 s delta is capped at 10 × the median (1 ms) delta.
    expect(summary.total_ms).toBe(20);
    expect(summary.unsampled_ms).toBe(19_990);
    expect(summary.buckets['config lookup (WebhookResolver.resolve)']).toEqual({ ms: 10, share: 50 });
    expect(summary.buckets['fetch path (route: host routing + ingress)'].ms).toBe(20);
  });
});
