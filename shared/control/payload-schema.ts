/**
 * The payload schema of a webhook, from what the caller sent: an explicit `schema` (refused with a
 * message per offending keyword when the edge could not enforce it), or `sample_payload` (one
 * sample object, or an array of samples that are merged), or neither (any JSON object).
 */
import * as v from 'valibot';
import { checkEnforceable, inferSchema, SchemaInferenceError, type JsonSchema } from '../schema';
import type { FieldError } from './validation';

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Any JSON object, passed through untouched (not an array: valibot's object and record schemas
 * accept arrays and copy them). What a payload, a sample and a schema all are. The OpenAPI document
 * renders it as `{ "type": "object" }`.
 */
export const JsonObjectSchema = v.custom<Record<string, unknown>>(isJsonObject, 'Expected a JSON object');

/** One sample payload, or several to merge. */
export const SamplesSchema = v.union(
  [JsonObjectSchema, v.pipe(v.array(JsonObjectSchema, 'Expected an array of JSON objects'), v.minLength(1, 'Give at least one sample'), v.maxLength(100, 'Give at most 100 samples'))],
  'Expected a sample payload (a JSON object) or an array of them',
);

/** A schema accepting any JSON object: the default when a webhook is created without one. */
export const OPEN_OBJECT_SCHEMA: JsonSchema = { type: 'object' };

/**
 * A schema column as the code enforces it. Every stored schema passed checkEnforceable when it was
 * written; one that no longer does (a rule tightened since) is read as any object rather than
 * failing the request that reads it.
 */
export function storedSchema(column: string): JsonSchema {
  const checked = checkEnforceable(JSON.parse(column));
  return checked.ok ? checked.schema : OPEN_OBJECT_SCHEMA;
}

export type SchemaOutcome = { ok: true; schema: JsonSchema } | { ok: false; errors: FieldError[] };

/** Checks an explicit schema; errors point into the request at `/schema/...`. */
export function enforceableSchema(schema: unknown, at: string): SchemaOutcome {
  const checked = checkEnforceable(schema);
  if (checked.ok) return { ok: true, schema: checked.schema };
  return { ok: false, errors: checked.errors.map((e) => ({ path: `${at}${e.path}`, message: e.message })) };
}

/** Infers a schema from one sample or several; errors point at `at`. */
export function inferredSchema(samples: Record<string, unknown> | readonly Record<string, unknown>[], at: string): SchemaOutcome {
  try {
    return { ok: true, schema: inferSchema(Array.isArray(samples) ? samples : [samples]) };
  } catch (err) {
    if (err instanceof SchemaInferenceError) return { ok: false, errors: [{ path: at, message: err.message }] };
    throw err;
  }
}

/**
 * The schema a create or patch request asks for; `undefined` when it names neither field (keep the
 * current one, or use OPEN_OBJECT_SCHEMA on create).
 */
export function requestedSchema(body: { schema?: Record<string, unknown>; sample_payload?: Record<string, unknown> | Record<string, unknown>[] }): SchemaOutcome | undefined {
  if (body.schema !== undefined && body.sample_payload !== undefined) {
    return { ok: false, errors: [{ path: '/sample_payload', message: 'Give either schema or sample_payload, not both' }] };
  }
  if (body.schema !== undefined) return enforceableSchema(body.schema, '/schema');
  if (body.sample_payload !== undefined) return inferredSchema(body.sample_payload, '/sample_payload');
  return undefined;
}
