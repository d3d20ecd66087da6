/** The request bodies of the webhook routes: validators and GET /v1/openapi.json both use these. */
import * as v from 'valibot';
import { AuthConfigSchema } from '../signatures/auth-config';
import { JsonObjectSchema, SamplesSchema } from './payload-schema';
import { SlugSchema } from './slug';
import { MAX_OVERLAP_SECONDS } from './webhook-secrets';

export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;
/** Bodies above the queue message size are claim-checked in R2; this bounds isolate memory. */
export const MAX_BODY_LIMIT_BYTES = 5 * 1_048_576;

export const NameSchema = v.pipe(
  v.string('name must be a string'),
  v.trim(),
  v.minLength(1, 'name must not be empty'),
  v.maxLength(200, 'name must be at most 200 characters'),
);
export const DescriptionSchema = v.pipe(v.string('description must be a string'), v.maxLength(2000, 'description must be at most 2000 characters'));
const BodyLimitSchema = v.pipe(
  v.number('body_limit_bytes must be a number'),
  v.integer('body_limit_bytes must be a whole number of bytes'),
  v.minValue(1, 'body_limit_bytes must be at least 1'),
  v.maxValue(MAX_BODY_LIMIT_BYTES, `body_limit_bytes must be at most ${MAX_BODY_LIMIT_BYTES} (5 MiB)`),
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
});

export const RotateSecretBody = v.strictObject({
  overlap_seconds: v.optional(
    v.pipe(
      v.number('overlap_seconds must be a number'),
      v.integer('overlap_seconds must be a whole number of seconds'),
      v.minValue(0, 'overlap_seconds must be at least 0'),
      v.maxValue(MAX_OVERLAP_SECONDS, `overlap_seconds must be at most ${MAX_OVERLAP_SECONDS} (7 days)`),
    ),
  ),
  secret: v.optional(SecretSchema),
});

export const InferSchemaBody = v.strictObject({
  samples: v.optional(v.pipe(v.array(JsonObjectSchema, 'samples must be an array of JSON objects'), v.minLength(1, 'Give at least one sample'), v.maxLength(100, 'Give at most 100 samples'))),
  sample_payload: v.optional(SamplesSchema),
});
