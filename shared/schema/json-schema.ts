/**
 * The JSON Schema subset the edge enforces, and the gate every schema passes before the ingress
 * stores or compiles it.
 *
 * Why a subset: the ingress validates in workerd, with no eval, on every request, inside a CPU budget.
 * Keywords that need references or backtracking across alternatives (`oneOf`, `anyOf`, `if`), and
 * patterns the linear-time engine cannot run, are refused when a schema is saved, with a message
 * per offending place, rather than being silently ignored at the edge (a schema that says more than the edge checks
 * would promise senders and workflows a guarantee nobody keeps).
 */
import { escape } from './json-pointer';
import { isStringFormat, STRING_FORMATS, type StringFormat } from './formats';
import { compilePattern, MAX_PATTERN_PROGRAM_SIZE } from './pattern';

export type { StringFormat } from './formats';

/** JSON Schema type names. `integer` is a number with no fractional part. */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** Values `enum` and `const` may hold: composite values are refused, they need deep comparison. */
export type JsonPrimitive = string | number | boolean | null;

/**
 * A schema node in the enforced subset. An absent `type` accepts any JSON value; a type array such
 * as `["string", "null"]` accepts any of its members.
 */
export interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  /** Absent or true: fields not listed in `properties` are accepted (the default for inferred schemas). */
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: JsonPrimitive[];
  const?: JsonPrimitive;
  format?: StringFormat;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  /**
   * ECMA-262 regex, unanchored, with the `u` flag (as JSON Schema 2020-12 specifies), run on a
   * linear-time engine: see pattern.ts for the constructs refused and where meanings differ.
   */
  pattern?: string;
}

/** One reason a schema was refused, at the JSON Pointer of the offending schema location. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export type EnforceableResult =
  | { ok: true; schema: JsonSchema }
  | { ok: false; errors: SchemaProblem[] };

/**
 * Bounds that keep a hostile or accidental schema from costing the edge more than a normal one.
 * Depth bounds recursion in the compilers; node and byte counts bound compile time and memory per
 * cached validator. Patterns run on a linear-time engine (pattern.ts); the source, program and
 * subject bounds cap the constant of that linear cost, and pattern-budget.ts caps its sum over one
 * payload. A string longer than MAX_PATTERN_SUBJECT_LENGTH fails its pattern check instead of
 * being searched.
 */
export const SCHEMA_LIMITS = {
  MAX_DEPTH: 32,
  MAX_NODES: 2_000,
  MAX_BYTES: 256 * 1024,
  MAX_ENUM_VALUES: 500,
  MAX_REQUIRED: 1_000,
  MAX_PATTERN_LENGTH: 512,
  MAX_PATTERN_PROGRAM_SIZE,
  MAX_PATTERN_SUBJECT_LENGTH: 16_384,
} as const;

export const JSON_TYPES: readonly JsonType[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

/** `$schema` values accepted at the root: in these drafts the enforced subset means the same thing. */
export const KNOWN_DIALECTS: readonly string[] = [
  'https://json-schema.org/draft/2020-12/schema',
  'https://json-schema.org/draft/2019-09/schema',
  'http://json-schema.org/draft-07/schema#',
  'http://json-schema.org/draft-07/schema',
];

// Keywords refused with a specific hint, because users reach for them most often.
const REFUSED_HINTS: Readonly<Record<string, string>> = {
  $ref: 'references are not supported; inline the referenced schema',
  $defs: 'definitions are not supported; inline each schema where it is used',
  definitions: 'definitions are not supported; inline each schema where it is used',
  $id: 'schema identifiers are not supported; remove $id',
  oneOf: 'alternatives (oneOf) are not enforced at the edge; use a type array such as ["string", "null"] or split the webhook',
  anyOf: 'alternatives (anyOf) are not enforced at the edge; use a type array such as ["string", "null"] or split the webhook',
  allOf: 'allOf is not enforced at the edge; merge the schemas into one',
  not: '"not" is not enforced at the edge; describe the accepted values instead',
  if: 'conditional schemas (if/then/else) are not enforced at the edge',
  then: 'conditional schemas (if/then/else) are not enforced at the edge',
  else: 'conditional schemas (if/then/else) are not enforced at the edge',
  patternProperties: 'patternProperties is not enforced at the edge; list the fields in properties or use additionalProperties',
  dependentSchemas: 'dependentSchemas is not enforced at the edge',
  dependentRequired: 'dependentRequired is not enforced at the edge',
  dependencies: 'dependencies is not enforced at the edge',
  prefixItems: 'tuple schemas (prefixItems) are not enforced at the edge; use items',
  unevaluatedProperties: 'unevaluatedProperties is not enforced at the edge; use additionalProperties',
  unevaluatedItems: 'unevaluatedItems is not enforced at the edge',
};

const SUPPORTED_KEYWORDS = new Set<string>([
  '$schema', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties', 'items',
  'enum', 'const', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'pattern',
]);

const COUNT_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems'] as const;
const BOUND_KEYWORDS = ['minimum', 'maximum'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is JsonPrimitive {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

interface Walk {
  errors: SchemaProblem[];
  nodes: number;
}

function checkNode(node: unknown, path: string, depth: number, walk: Walk): void {
  walk.nodes++;
  if (walk.nodes > SCHEMA_LIMITS.MAX_NODES) {
    if (walk.nodes === SCHEMA_LIMITS.MAX_NODES + 1) {
      walk.errors.push({ path, message: `Schema has more than ${SCHEMA_LIMITS.MAX_NODES} subschemas; the edge refuses schemas this large` });
    }
    return;
  }
  if (depth > SCHEMA_LIMITS.MAX_DEPTH) {
    walk.errors.push({ path, message: `Schema nests deeper than ${SCHEMA_LIMITS.MAX_DEPTH} levels; the edge refuses schemas this deep` });
    return;
  }
  if (typeof node === 'boolean') {
    walk.errors.push({ path, message: 'Boolean schemas are not supported here; use {} to accept any value' });
    return;
  }
  if (!isPlainObject(node)) {
    walk.errors.push({ path, message: 'A schema must be a JSON object' });
    return;
  }
  const at = (keyword: string): string => `${path}/${escape(keyword)}`;
  const problem = (keyword: string, message: string): void => {
    walk.errors.push({ path: at(keyword), message });
  };

  for (const keyword of Object.keys(node)) {
    if (SUPPORTED_KEYWORDS.has(keyword)) continue;
    const hint = REFUSED_HINTS[keyword];
    problem(keyword, hint ?? `Keyword "${keyword}" is not supported by the edge; remove it`);
  }

  if ('$schema' in node) {
    const dialect = node.$schema;
    if (path !== '') problem('$schema', '$schema is only allowed at the root');
    else if (typeof dialect !== 'string' || !KNOWN_DIALECTS.includes(dialect)) {
      problem('$schema', `Unsupported dialect; use ${KNOWN_DIALECTS[0] ?? 'draft 2020-12'}`);
    }
  }
  for (const keyword of ['title', 'description'] as const) {
    if (keyword in node && typeof node[keyword] !== 'string') problem(keyword, `${keyword} must be a string`);
  }

  const type = node.type;
  if (type !== undefined) {
    const list = Array.isArray(type) ? type : [type];
    if (list.length === 0) problem('type', 'type must name at least one type');
    const seen = new Set<unknown>();
    for (const t of list) {
      if (typeof t !== 'string' || !(JSON_TYPES as readonly string[]).includes(t)) {
        problem('type', `Unknown type ${JSON.stringify(t)}; use one of ${JSON_TYPES.join(', ')}`);
      } else if (seen.has(t)) problem('type', `type lists "${t}" twice`);
      seen.add(t);
    }
  }

  if ('properties' in node) {
    const properties = node.properties;
    if (!isPlainObject(properties)) problem('properties', 'properties must be an object of schemas');
    else {
      for (const [key, sub] of Object.entries(properties)) checkNode(sub, `${at('properties')}/${escape(key)}`, depth + 1, walk);
    }
  }
  if ('required' in node) {
    const required = node.required;
    if (!Array.isArray(required) || required.some((k) => typeof k !== 'string')) {
      problem('required', 'required must be an array of field names');
    } else if (required.length > SCHEMA_LIMITS.MAX_REQUIRED) {
      problem('required', `required lists more than ${SCHEMA_LIMITS.MAX_REQUIRED} fields`);
    } else if (new Set(required).size !== required.length) {
      problem('required', 'required lists a field more than once');
    }
  }
  if ('additionalProperties' in node && typeof node.additionalProperties !== 'boolean') {
    checkNode(node.additionalProperties, at('additionalProperties'), depth + 1, walk);
  }
  if ('items' in node) {
    if (Array.isArray(node.items)) problem('items', 'tuple form of items is not supported; give one schema for every item');
    else checkNode(node.items, at('items'), depth + 1, walk);
  }

  if ('enum' in node) {
    const values = node.enum;
    if (!Array.isArray(values) || values.length === 0) problem('enum', 'enum must be a non-empty array');
    else if (values.length > SCHEMA_LIMITS.MAX_ENUM_VALUES) problem('enum', `enum lists more than ${SCHEMA_LIMITS.MAX_ENUM_VALUES} values`);
    else if (!values.every(isPrimitive)) problem('enum', 'enum values must be strings, numbers, booleans or null');
  }
  if ('const' in node && !isPrimitive(node.const)) problem('const', 'const must be a string, number, boolean or null');

  if ('format' in node) {
    const format = node.format;
    if (typeof format !== 'string' || !isStringFormat(format)) {
      problem('format', `Unknown format ${JSON.stringify(format)}; the edge enforces ${STRING_FORMATS.join(', ')}`);
    }
  }
  for (const keyword of COUNT_KEYWORDS) {
    if (!(keyword in node)) continue;
    const value = node[keyword];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) problem(keyword, `${keyword} must be a non-negative integer`);
  }
  for (const keyword of BOUND_KEYWORDS) {
    if (keyword in node && (typeof node[keyword] !== 'number' || !Number.isFinite(node[keyword]))) problem(keyword, `${keyword} must be a number`);
  }
  for (const [low, high] of [['minLength', 'maxLength'], ['minimum', 'maximum'], ['minItems', 'maxItems']] as const) {
    const a = node[low];
    const b = node[high];
    if (typeof a === 'number' && typeof b === 'number' && a > b) problem(low, `${low} is greater than ${high}: no value could match`);
  }

  if ('pattern' in node) {
    const pattern = node.pattern;
    if (typeof pattern !== 'string') problem('pattern', 'pattern must be a string');
    else if (pattern.length > SCHEMA_LIMITS.MAX_PATTERN_LENGTH) problem('pattern', `pattern is longer than ${SCHEMA_LIMITS.MAX_PATTERN_LENGTH} characters`);
    else {
      // Compiled here only to refuse what the engine cannot run; the validator compiles it again.
      const compiled = compilePattern(pattern);
      if (!compiled.ok) problem('pattern', compiled.message);
    }
  }
}

/**
 * Decides whether the edge can enforce `schema` exactly, before it is stored or compiled.
 *
 * The root must be `type: "object"`: every webhook payload is a JSON object (the run envelope,
 * delivery-id lookups and trigger mappings all address fields of one). Every problem is reported,
 * each at the JSON Pointer of the offending schema keyword, so a user fixes them in one pass.
 */
export function checkEnforceable(schema: unknown): EnforceableResult {
  const walk: Walk = { errors: [], nodes: 0 };
  checkNode(schema, '', 0, walk);
  if (isPlainObject(schema) && schema.type !== 'object') {
    walk.errors.unshift({ path: '/type', message: 'The root of a payload schema must be "type": "object"' });
  }
  if (walk.errors.length > 0) return { ok: false, errors: walk.errors };
  // Measured only once the walk has bounded depth and refused unknown keywords, so the
  // serialisation itself cannot be made to recurse without bound.
  const bytes = new TextEncoder().encode(JSON.stringify(schema)).byteLength;
  if (bytes > SCHEMA_LIMITS.MAX_BYTES) {
    return { ok: false, errors: [{ path: '', message: `Schema is ${bytes} bytes; the edge refuses schemas over ${SCHEMA_LIMITS.MAX_BYTES} bytes` }] };
  }
  // The walk above established every property the JsonSchema type promises.
  return { ok: true, schema: schema as JsonSchema };
}

/** The types a node accepts, as a list; undefined when the node accepts any type. */
export function typesOf(schema: JsonSchema): readonly JsonType[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}
