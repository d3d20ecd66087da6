/**
 * A workflow's input contract as the console edits it: one row per input field (name, type,
 * required), turned into the JSON Schema the API's `input_schema` takes, and back.
 *
 * A contract written through the API may say more than a row can (a format, bounds, nested
 * fields). Such a field shows the type "as it is", and saving keeps its schema untouched unless the
 * person picks another type; the contract's other top-level keywords (`additionalProperties`, …)
 * are kept too. So editing a name or adding a field never loosens what the API was told.
 */
import type { JsonSchema } from '../../../schema';
import type { FieldError } from '../../api-client';

/** The types a row offers, each with the schema it writes. `keep` is "as it is" (see above). */
export const FIELD_TYPES = [
  { key: 'string', label: 'string', schema: { type: 'string' } },
  { key: 'integer', label: 'integer', schema: { type: 'integer' } },
  { key: 'number', label: 'number', schema: { type: 'number' } },
  { key: 'boolean', label: 'boolean', schema: { type: 'boolean' } },
  { key: 'string[]', label: 'array of strings', schema: { type: 'array', items: { type: 'string' } } },
  { key: 'array', label: 'array', schema: { type: 'array' } },
  { key: 'object', label: 'object', schema: { type: 'object' } },
  { key: 'any', label: 'any JSON value', schema: {} },
] as const satisfies readonly { key: string; label: string; schema: JsonSchema }[];

export type FieldTypeKey = (typeof FIELD_TYPES)[number]['key'] | 'keep';

/** At most this many rows are read from a form: a contract with more is one for the API. */
export const MAX_FIELD_ROWS = 100;

/** One row of the form. `original` names the field it was loaded from, so a rename keeps its schema. */
export interface FieldRow {
  name: string;
  type: FieldTypeKey;
  required: boolean;
  original: string;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The row type that writes exactly `schema`, or `keep` when no row type does. */
export function typeKeyOf(schema: JsonSchema): FieldTypeKey {
  return FIELD_TYPES.find((t) => sameJson(t.schema, schema))?.key ?? 'keep';
}

/** A field's type in words: `string (date-time)`, `array of string`, `string or null`. */
export function typeWords(schema: JsonSchema): string {
  const types = schema.type === undefined ? ['any'] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const base = types.map((t) => (t === 'array' && schema.items !== undefined ? `array of ${typeWords(schema.items)}` : t)).join(' or ');
  const nested = Object.keys(schema.properties ?? {});
  const withFields = nested.length > 0 ? `${base} with ${nested.join(', ')}` : base;
  return schema.format === undefined ? withFields : `${withFields} (${schema.format})`;
}

/** The rows that show `schema`'s top-level fields. */
export function rowsOf(schema: JsonSchema): FieldRow[] {
  const required = new Set(schema.required ?? []);
  const declared = Object.entries(schema.properties ?? {}).map(([name, sub]) => ({ name, type: typeKeyOf(sub), required: required.has(name), original: name }));
  const named = new Set(declared.map((r) => r.name));
  const undeclared = [...required].filter((n) => !named.has(n)).map((name): FieldRow => ({ name, type: 'keep', required: true, original: name }));
  return [...declared, ...undeclared];
}

function own(record: Record<string, JsonSchema> | undefined, key: string): JsonSchema | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The schema of one row: a chosen type's, or (for `keep`) the field's schema in `source`. */
function fieldSchema(row: FieldRow, source: JsonSchema): JsonSchema {
  if (row.type !== 'keep') return FIELD_TYPES.find((t) => t.key === row.type)?.schema ?? {};
  return own(source.properties, row.original) ?? (typeof source.additionalProperties === 'object' ? source.additionalProperties : {});
}

export type RowsOutcome = { ok: true; schema: JsonSchema } | { ok: false; errors: FieldError[] };

/**
 * The input contract the rows describe. `base` gives the top-level keywords to keep (the current
 * contract when editing); `source` is where a `keep` row's schema comes from (the current contract,
 * or the webhook whose fields a new workflow started from). Rows without a name are ignored.
 */
export function schemaFromRows(rows: readonly FieldRow[], base: JsonSchema, source: JsonSchema): RowsOutcome {
  const errors: FieldError[] = [];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  rows.forEach((row, i) => {
    if (row.name === '') return;
    if (Object.hasOwn(properties, row.name)) {
      errors.push({ path: `input field ${i + 1}`, message: `“${row.name}” is listed twice: give each input field its own name` });
      return;
    }
    Object.defineProperty(properties, row.name, { value: fieldSchema(row, source), enumerable: true, writable: true, configurable: true });
    if (row.required) required.push(row.name);
  });
  if (errors.length > 0) return { ok: false, errors };
  const { properties: _p, required: _r, ...kept } = base;
  return { ok: true, schema: { type: 'object', ...kept, properties, ...(required.length > 0 ? { required } : {}) } };
}

/** True when two contracts say the same (so a save need not reclassify the triggers). */
export function sameSchema(a: unknown, b: unknown): boolean {
  return sameJson(a, b);
}

function isTypeKey(value: string): value is FieldTypeKey {
  return value === 'keep' || FIELD_TYPES.some((t) => t.key === value);
}

/**
 * The rows of a posted form: `field_{i}_name`, `field_{i}_type`, `field_{i}_required` (a checkbox)
 * and `field_{i}_original`, for i from 0 while the name field is there.
 */
export function rowsFromForm(form: Record<string, unknown>): FieldRow[] {
  const text = (key: string): string => {
    const value = form[key];
    return typeof value === 'string' ? value : '';
  };
  const rows: FieldRow[] = [];
  for (let i = 0; i < MAX_FIELD_ROWS && Object.hasOwn(form, `field_${i}_name`); i++) {
    const type = text(`field_${i}_type`);
    rows.push({
      name: text(`field_${i}_name`).trim(),
      type: isTypeKey(type) ? type : 'string',
      required: text(`field_${i}_required`) !== '',
      original: text(`field_${i}_original`),
    });
  }
  return rows;
}
