/**
 * Builds a Class B trigger's workflow input from a payload: each input field takes the value at its
 * JSON Pointer into the payload.
 */
import * as v from 'valibot';
import { get } from './json-pointer';

/** A Class B trigger's mapping: input field ← JSON Pointer into the payload. */
export type Mapping = Record<string, string>;

const MappingColumn = v.nullable(v.record(v.string(), v.string()));

/** The triggers.mapping column (JSON text, or null for a Class A trigger). */
export function parseMappingColumn(column: string | null): Mapping | null {
  return column === null ? null : v.parse(MappingColumn, JSON.parse(column));
}

/**
 * Maps `payload` to a workflow input: `{ inputField: value at mapping[inputField] }`.
 *
 * A pointer that reaches nothing leaves its field out (rather than null), so an optional input field
 * stays absent exactly as it would in the payload; required fields were proven present when the
 * trigger was classified. Fields are defined, not assigned, so an input field named "__proto__"
 * cannot change the object's prototype.
 */
export function applyMapping(payload: unknown, mapping: Mapping): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [field, pointer] of Object.entries(mapping)) {
    const value = get(payload, pointer);
    if (value === undefined) continue;
    Object.defineProperty(input, field, { value, enumerable: true, writable: true, configurable: true });
  }
  return input;
}
