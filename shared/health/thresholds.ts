/**
 * When refusals (or quiet) become an issue: a default per cause, and a webhook's overrides
 * (`health_thresholds` on the webhook, validated by HealthThresholdsSchema). The defaults are what
 * a platform team would pick on day one: loud enough to catch a rotated secret within minutes,
 * quiet enough that one misbehaving retry does not page anyone.
 */
import * as v from 'valibot';
import type { IssueCause } from './types';

export interface CauseThreshold {
  enabled: boolean;
  /** Refusals of this cause within the window. */
  count: number;
  windowMinutes: number;
  /** Authentication only: the share of all the webhook's requests in the window that were refused so. */
  share: number;
}

export interface SilenceThreshold {
  enabled: boolean;
  /** Requests an hour, on average over the 7 days before the quiet began, for a webhook to be watched. */
  minHourlyAverage: number;
  /** How long without a single request counts as silence. */
  quietMinutes: number;
}

export interface Thresholds {
  authentication: CauseThreshold;
  content: CauseThreshold;
  'rate-limited': CauseThreshold;
  'ip-refused': CauseThreshold;
  silence: SilenceThreshold;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  // "The sender's secret or clock changed": most of its requests fail, not one stray forgery.
  authentication: { enabled: true, count: 10, windowMinutes: 5, share: 0.5 },
  content: { enabled: true, count: 5, windowMinutes: 15, share: 0 },
  'rate-limited': { enabled: true, count: 20, windowMinutes: 5, share: 0 },
  'ip-refused': { enabled: true, count: 10, windowMinutes: 15, share: 0 },
  silence: { enabled: true, minHourlyAverage: 20, quietMinutes: 60 },
};

/** An open issue resolves itself after this long without a new occurrence. */
export const QUIET_BEFORE_RESOLVED_MS = 30 * 60_000;

/** The longest window a threshold may have: the health object keeps minute counts this long. */
export const MAX_WINDOW_MINUTES = 1_440;

const count = v.pipe(v.number('count must be a number'), v.integer('count must be a whole number'), v.minValue(1, 'count must be at least 1'), v.maxValue(1_000_000, 'count must be at most 1000000'));
const windowMinutes = v.pipe(
  v.number('window_minutes must be a number'),
  v.integer('window_minutes must be a whole number of minutes'),
  v.minValue(1, 'window_minutes must be at least 1'),
  v.maxValue(MAX_WINDOW_MINUTES, `window_minutes must be at most ${MAX_WINDOW_MINUTES} (a day)`),
);
const enabled = v.boolean('enabled must be true or false');

const causeOverride = v.strictObject({ enabled: v.optional(enabled), count: v.optional(count), window_minutes: v.optional(windowMinutes) });

/** What a webhook may set (POST/PATCH /v1/webhooks): every field optional, the rest from the defaults. */
export const HealthThresholdsSchema = v.strictObject({
  authentication: v.optional(
    v.strictObject({
      enabled: v.optional(enabled),
      count: v.optional(count),
      window_minutes: v.optional(windowMinutes),
      share: v.optional(v.pipe(v.number('share must be a number'), v.minValue(0, 'share must be between 0 and 1'), v.maxValue(1, 'share must be between 0 and 1'))),
    }),
  ),
  content: v.optional(causeOverride),
  rate_limited: v.optional(causeOverride),
  ip_refused: v.optional(causeOverride),
  silence: v.optional(
    v.strictObject({
      enabled: v.optional(enabled),
      min_hourly_average: v.optional(v.pipe(v.number('min_hourly_average must be a number'), v.minValue(0.1, 'min_hourly_average must be at least 0.1'), v.maxValue(1_000_000, 'min_hourly_average must be at most 1000000'))),
      quiet_minutes: v.optional(
        v.pipe(v.number('quiet_minutes must be a number'), v.integer('quiet_minutes must be a whole number'), v.minValue(5, 'quiet_minutes must be at least 5'), v.maxValue(10_080, 'quiet_minutes must be at most 10080 (a week)')),
      ),
    }),
  ),
});

export type HealthThresholdsInput = v.InferOutput<typeof HealthThresholdsSchema>;

/** The thresholds in force for a webhook: its overrides over the defaults. `stored` is the column's JSON, or null. */
export function thresholdsOf(stored: HealthThresholdsInput | null): Thresholds {
  const o = stored ?? {};
  const cause = (base: CauseThreshold, over: { enabled?: boolean | undefined; count?: number | undefined; window_minutes?: number | undefined; share?: number | undefined } | undefined): CauseThreshold => ({
    enabled: over?.enabled ?? base.enabled,
    count: over?.count ?? base.count,
    windowMinutes: over?.window_minutes ?? base.windowMinutes,
    share: over?.share ?? base.share,
  });
  return {
    authentication: cause(DEFAULT_THRESHOLDS.authentication, o.authentication),
    content: cause(DEFAULT_THRESHOLDS.content, o.content),
    'rate-limited': cause(DEFAULT_THRESHOLDS['rate-limited'], o.rate_limited),
    'ip-refused': cause(DEFAULT_THRESHOLDS['ip-refused'], o.ip_refused),
    silence: {
      enabled: o.silence?.enabled ?? DEFAULT_THRESHOLDS.silence.enabled,
      minHourlyAverage: o.silence?.min_hourly_average ?? DEFAULT_THRESHOLDS.silence.minHourlyAverage,
      quietMinutes: o.silence?.quiet_minutes ?? DEFAULT_THRESHOLDS.silence.quietMinutes,
    },
  };
}

/** The column's JSON read back; a value that no longer validates counts as no override rather than breaking health. */
export function parseStoredThresholds(json: string | null): HealthThresholdsInput | null {
  if (json === null) return null;
  try {
    const result = v.safeParse(HealthThresholdsSchema, JSON.parse(json));
    return result.success ? result.output : null;
  } catch {
    return null;
  }
}

/** The thresholds as the API shows them: every value in force, overrides applied. */
export function thresholdsView(t: Thresholds) {
  const cause = (c: CauseThreshold) => ({ enabled: c.enabled, count: c.count, window_minutes: c.windowMinutes });
  return {
    authentication: { ...cause(t.authentication), share: t.authentication.share },
    content: cause(t.content),
    rate_limited: cause(t['rate-limited']),
    ip_refused: cause(t['ip-refused']),
    silence: { enabled: t.silence.enabled, min_hourly_average: t.silence.minHourlyAverage, quiet_minutes: t.silence.quietMinutes },
  };
}

export type RefusalCause = Exclude<IssueCause, 'silence'>;
