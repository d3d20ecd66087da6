/** JSON value types as sender health names them: what shape summaries count and refusal tallies record. */
import type { JsonType } from './types';

/** The JSON type of a parsed value, `integer` for integral numbers (as the validator dispatches). */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}
