/** The request bodies of the webhook routes: validators and GET /v1/openapi.json both use these. */
import { HealthThresholdsSchema, type HealthThresholdsInput } from '../health/thresholds';
import * as v from 'valibot';
import { MAX_ALLOWLIST_ENTRIES, normaliseAllowlistEntry } from '../ingress/ip-allowlist';
import { offeredLimits, RATE_LIMIT_PERIODS, rungOf } from '../ingress/rate-limit';
import { AuthConfigSchema } from '../signatures/auth-config';
import { JsonObjectSchema, SamplesSchema } from './payload-schema';
import { SlugSchema } from './slug';
import type { FieldError } from './validation';
import { visibleText } from './visible-text';
import { MAX_OVERLAP_SECONDS } from './webhook-secrets';

export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;
/** Bodies above the queue message size are claim-checked in R2; this bounds isolate memory. */
export const MAX_BODY_LIMIT_BYTES = 5 * 1_048_576;

export const NameSchema = v.pipe(
  v.string('name must be a string'),
  // Before trim: the position named is the one in the text as sent.
  visibleText('name'),
  v.trim(),
  v.minLength(1, 'name must not be empty'),
  v.maxLength(200, 'name must be at most 200 characters'),
);
export const DescriptionSchema = v.pipe(v.string('description must be a string'), visibleText('description'), v.maxLength(2000, 'description must be at most 2000 characters'));
const BodyLimitSchema = v.pipe(
  v.number('body_limit_bytes must be a number'),
  v.integer('body_limit_bytes must be a whole number of bytes'),
  v.minValue(1, 'body_limit_bytes must be at least 1'),
  v.maxValue(MAX_BODY_LIMIT_BYTES, `body_limit_bytes must be at most ${MAX_BODY_LIMIT_BYTES} (5 MiB)`),
);
/** Days a payload is kept (in the project's log and R2) unless the webhook says otherwise. */
export const DEFAULT_PAYLOAD_RETENTION_DAYS = 30;
export const MAX_PAYLOAD_RETENTION_DAYS = 90;
/** Days an event's metadata (ids, times, statuses, runs) is kept unless the webhook says otherwise. */
export const DEFAULT_METADATA_RETENTION_DAYS = 90;
/** Ten years: longer than any record-keeping rule asks of delivery metadata. */
export const MAX_METADATA_RETENTION_DAYS = 3650;

const PayloadRetentionSchema = v.pipe(
  v.number('payload_retention_days must be a number'),
  v.integer('payload_retention_days must be a whole number of days'),
  v.minValue(1, 'payload_retention_days must be at least 1'),
  v.maxValue(MAX_PAYLOAD_RETENTION_DAYS, `payload_retention_days must be at most ${MAX_PAYLOAD_RETENTION_DAYS}`),
);
const MetadataRetentionSchema = v.pipe(
  v.number('metadata_retention_days must be a number'),
  v.integer('metadata_retention_days must be a whole number of days'),
  v.minValue(1, 'metadata_retention_days must be at least 1'),
  v.maxValue(MAX_METADATA_RETENTION_DAYS, `metadata_retention_days must be at most ${MAX_METADATA_RETENTION_DAYS}`),
);
/**
 * `{ requests, period_seconds }` or null (no limit). Each period offers a fixed set of limits (one
 * rate-limiting binding each); any other number is refused with the offered ones listed.
 */
const RateLimitSchema = v.nullable(
  v.pipe(
    v.strictObject(
      {
        requests: v.pipe(v.number('rate_limit.requests must be a number'), v.integer('rate_limit.requests must be a whole number')),
        period_seconds: v.picklist(RATE_LIMIT_PERIODS, `rate_limit.period_seconds must be one of ${RATE_LIMIT_PERIODS.join(', ')}`),
      },
      'rate_limit must be { requests, period_seconds } or null',
    ),
    v.forward(
      v.check(
        (limit) => rungOf(limit) !== null,
        (issue) => {
          const period = issue.input.period_seconds;
          return `rate_limit.requests per ${period} s must be one of ${offeredLimits(period).join(', ')}`;
        },
      ),
      ['requests'],
    ),
  ),
);

/** One allowlist entry, normalised (network address and prefix) as it is stored. */
const AllowlistEntrySchema = v.pipe(
  v.string('each ip_allowlist entry must be a string'),
  v.maxLength(64, 'an ip_allowlist entry is at most 64 characters'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const entry = normaliseAllowlistEntry(dataset.value);
    if (entry.ok) return entry.cidr;
    addIssue({ message: entry.message });
    return NEVER;
  }),
);

/** CIDR ranges or single addresses, IPv4 or IPv6; [] allows any address. Stored normalised, without duplicates. */
const IpAllowlistSchema = v.pipe(
  v.array(AllowlistEntrySchema, 'ip_allowlist must be an array of addresses or CIDR ranges'),
  v.maxLength(MAX_ALLOWLIST_ENTRIES, `ip_allowlist holds at most ${MAX_ALLOWLIST_ENTRIES} entries`),
  v.transform((cidrs) => [...new Set(cidrs)]),
);

const SecretSchema = v.pipe(v.string('secret must be a string'), v.minLength(1, 'secret must not be empty'), v.maxLength(512, 'secret must be at most 512 characters'));
const EnabledSchema = v.boolean('enabled must be true or false');

export const CreateWebhookBody = v.strictObject({
  name: v.optional(NameSchema),
  description: v.optional(DescriptionSchema),
  slug: v.optional(SlugSchema),
  auth: v.optional(AuthConfigSchema),
  secret: v.optional(SecretSchema),
  sample_payload: v.optional(SamplesSchema),
  schema: v.optional(JsonObjectSchema),
  enabled: v.optional(EnabledSchema),
  body_limit_bytes: v.optional(BodyLimitSchema),
  payload_retention_days: v.optional(PayloadRetentionSchema),
  metadata_retention_days: v.optional(MetadataRetentionSchema),
  rate_limit: v.optional(RateLimitSchema),
  ip_allowlist: v.optional(IpAllowlistSchema),
  health_thresholds: v.optional(v.nullable(HealthThresholdsSchema)),
});

/** `POST /v1/webhooks/draft`: what the person wrote, and optionally a sample payload beside it. */
export const DraftWebhookBody = v.strictObject({
  description: DescriptionSchema,
  sample_payload: v.optional(SamplesSchema),
});

export const PatchWebhookBody = v.strictObject({
  name: v.optional(NameSchema),
  description: v.optional(v.nullable(DescriptionSchema)),
  auth: v.optional(AuthConfigSchema),
  /** Only together with `auth`: the secret of the new auth method. Rotation has its own route. */
  secret: v.optional(SecretSchema),
  sample_payload: v.optional(SamplesSchema),
  schema: v.optional(JsonObjectSchema),
  enabled: v.optional(EnabledSchema),
  body_limit_bytes: v.optional(BodyLimitSchema),
  /** Applies to events recorded from then on; events already recorded keep their expiry. */
  payload_retention_days: v.optional(PayloadRetentionSchema),
  metadata_retention_days: v.optional(MetadataRetentionSchema),
  /** Applies at the edge within CONFIG_TTL_SECONDS, like every config change. */
  rate_limit: v.optional(RateLimitSchema),
  ip_allowlist: v.optional(IpAllowlistSchema),
  /** Overrides of the sender-health issue thresholds (README, "Sender health"); null restores the defaults. */
  health_thresholds: v.optional(v.nullable(HealthThresholdsSchema)),
});

/** How long the secrets a rotation replaces keep verifying (or signing) beside the new one. */
export const OverlapSecondsSchema = v.pipe(
  v.number('overlap_seconds must be a number'),
  v.integer('overlap_seconds must be a whole number of seconds'),
  v.minValue(0, 'overlap_seconds must be at least 0'),
  v.maxValue(MAX_OVERLAP_SECONDS, `overlap_seconds must be at most ${MAX_OVERLAP_SECONDS} (7 days)`),
);

export const RotateSecretBody = v.strictObject({
  overlap_seconds: v.optional(OverlapSecondsSchema),
  secret: v.optional(SecretSchema),
});

export const InferSchemaBody = v.strictObject({
  samples: v.optional(v.pipe(v.array(JsonObjectSchema, 'samples must be an array of JSON objects'), v.minLength(1, 'Give at least one sample'), v.maxLength(100, 'Give at most 100 samples'))),
  sample_payload: v.optional(SamplesSchema),
});

export interface Retention {
  payloadRetentionDays: number;
  metadataRetentionDays: number;
}

/**
 * The retention a create or PATCH leaves the webhook with: what the request sets over `current`
 * (the stored values, or the defaults on create). Metadata must outlive the payload (the event's
 * row names where the payload was); the error names the field the request set.
 */
export function resolveRetention(
  requested: { payload_retention_days?: number | undefined; metadata_retention_days?: number | undefined },
  current: Retention,
): Retention | FieldError {
  const payload = requested.payload_retention_days ?? current.payloadRetentionDays;
  const metadata = requested.metadata_retention_days ?? current.metadataRetentionDays;
  if (metadata >= payload) return { payloadRetentionDays: payload, metadataRetentionDays: metadata };
  const field = requested.metadata_retention_days === undefined ? 'payload_retention_days' : 'metadata_retention_days';
  return {
    path: `/${field}`,
    message: `metadata_retention_days (${metadata}) must be at least payload_retention_days (${payload}): an event's metadata is kept at least as long as its payload`,
  };
}

export const DEFAULT_RETENTION: Retention = {
  payloadRetentionDays: DEFAULT_PAYLOAD_RETENTION_DAYS,
  metadataRetentionDays: DEFAULT_METADATA_RETENTION_DAYS,
};

/** The columns a requested rate limit sets: null clears the limit, undefined leaves it as it is. */
export function rateLimitColumns(limit: { requests: number; period_seconds: number } | null | undefined) {
  if (limit === undefined) return {};
  return { rateLimitRequests: limit?.requests ?? null, rateLimitPeriodSeconds: limit?.period_seconds ?? null };
}

/** The column a requested allowlist sets (JSON of the normalised entries); undefined leaves it. */
/** The column for a webhook's threshold overrides: left alone when absent, cleared by null. */
export function healthThresholdsColumn(overrides: HealthThresholdsInput | null | undefined) {
  if (overrides === undefined) return {};
  return { healthThresholds: overrides === null || Object.keys(overrides).length === 0 ? null : JSON.stringify(overrides) };
}

export function ipAllowlistColumn(cidrs: readonly string[] | undefined) {
  return cidrs === undefined ? {} : { ipAllowlist: JSON.stringify(cidrs) };
}
