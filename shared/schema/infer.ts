/**
 * Infers a payload schema from sample payloads (`POST /v1/schemas/infer`, webhook creation from a
 * `sample_payload`).
 *
 * Every sample, and every item of every array, is folded into one accumulator per schema location,
 * then the accumulators are written out as JSON Schema:
 *  - a field missing from some objects seen at a location is optional (not in `required`);
 *  - `null` anywhere makes the location nullable (`["string", "null"]`);
 *  - integers and fractional numbers together are "number"; other mixes become a type array;
 *  - a string format is kept only when every string seen there has it;
 *  - objects stay open (no `additionalProperties: false`): senders such as Stripe and GitHub add
 *    fields to existing events without notice, and their users expect new fields to pass, not to
 *    turn every delivery into a 400 until someone edits the schema.
 */
import { FORMAT_CHECKS, type StringFormat } from './formats';
import { checkEnforceable, SCHEMA_LIMITS, type JsonSchema, type JsonType } from './json-schema';

/** Why samples could not produce a schema; the message is written for the API caller. */
export class SchemaInferenceError extends Error {
  override readonly name = 'SchemaInferenceError';
}

// Formats worth inferring, most specific first: the first one every sample matches wins.
const INFERRED_FORMATS: readonly StringFormat[] = ['date-time', 'date', 'uuid', 'email', 'uri'];

// The order types are written in, so equal inputs always produce byte-identical schemas.
const TYPE_ORDER: readonly JsonType[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

interface Shape {
  types: Set<JsonType>;
  /** Formats every string seen here matched; null until the first string. */
  formats: Set<StringFormat> | null;
  /** Objects seen here, and how many of them had each key. */
  objects: number;
  properties: Map<string, { present: number; shape: Shape }>;
  /** Every item of every array seen here. */
  items: Shape | null;
  /** Values below the depth limit are not described; the location accepts anything. */
  truncated: boolean;
}

function emptyShape(): Shape {
  return { types: new Set(), formats: null, objects: 0, properties: new Map(), items: null, truncated: false };
}

function formatsOf(value: string): Set<StringFormat> {
  const matched = new Set<StringFormat>();
  for (const format of INFERRED_FORMATS) if (FORMAT_CHECKS[format](value)) matched.add(format);
  return matched;
}

function observe(shape: Shape, value: unknown, depth: number): void {
  if (depth > SCHEMA_LIMITS.MAX_DEPTH - 1) {
    shape.truncated = true;
    return;
  }
  if (value === null) {
    shape.types.add('null');
  } else if (Array.isArray(value)) {
    shape.types.add('array');
    const items = shape.items ?? emptyShape();
    shape.items = items;
    for (const item of value) observe(items, item, depth + 1);
  } else if (typeof value === 'object') {
    shape.types.add('object');
    shape.objects++;
    for (const [key, child] of Object.entries(value)) {
      let property = shape.properties.get(key);
      if (property === undefined) {
        property = { present: 0, shape: emptyShape() };
        shape.properties.set(key, property);
      }
      property.present++;
      observe(property.shape, child, depth + 1);
    }
  } else if (typeof value === 'string') {
    shape.types.add('string');
    const matched = formatsOf(value);
    shape.formats = shape.formats === null ? matched : new Set([...shape.formats].filter((f) => matched.has(f)));
  } else if (typeof value === 'number') {
    shape.types.add(Number.isInteger(value) ? 'integer' : 'number');
  } else if (typeof value === 'boolean') {
    shape.types.add('boolean');
  } else {
    throw new SchemaInferenceError(`Samples must be JSON; found a value of type ${typeof value}`);
  }
}

function toSchema(shape: Shape): JsonSchema {
  if (shape.truncated) return {};
  const types = new Set(shape.types);
  if (types.has('number')) types.delete('integer');
  const ordered = TYPE_ORDER.filter((t) => types.has(t));
  const schema: JsonSchema = {};
  const only = ordered[0];
  if (ordered.length === 1 && only !== undefined) schema.type = only;
  else if (ordered.length > 1) schema.type = ordered;

  if (types.has('object')) {
    // fromEntries defines keys, so a sample field named "__proto__" stays a property.
    schema.properties = Object.fromEntries([...shape.properties].map(([key, p]) => [key, toSchema(p.shape)]));
    const required = [...shape.properties].filter(([, p]) => p.present === shape.objects).map(([key]) => key);
    if (required.length > 0) schema.required = required;
  }
  if (types.has('array') && shape.items !== null && (shape.items.types.size > 0 || shape.items.truncated)) {
    schema.items = toSchema(shape.items);
  }
  if (types.has('string') && shape.formats !== null) {
    const format = INFERRED_FORMATS.find((f) => shape.formats?.has(f));
    if (format !== undefined) schema.format = format;
  }
  return schema;
}

/**
 * Infers one schema that accepts every sample. Each sample must be a JSON object (the root of a
 * payload schema is always `type: "object"`); the result always passes `checkEnforceable`.
 *
 * @throws {SchemaInferenceError} with no samples, a sample that is not an object, or samples so
 *   large the resulting schema would exceed the edge's limits.
 */
export function inferSchema(samples: readonly unknown[]): JsonSchema {
  if (samples.length === 0) throw new SchemaInferenceError('Give at least one sample payload');
  const root = emptyShape();
  samples.forEach((sample, index) => {
    if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) {
      throw new SchemaInferenceError(`Sample ${index} is not a JSON object; webhook payloads must be objects`);
    }
    observe(root, sample, 0);
  });
  const schema: JsonSchema = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...toSchema(root) };
  const checked = checkEnforceable(schema);
  if (!checked.ok) {
    const first = checked.errors[0];
    throw new SchemaInferenceError(`The samples produce a schema the edge cannot enforce: ${first?.message ?? 'unknown reason'}`);
  }
  return checked.schema;
}
