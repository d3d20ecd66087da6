/**
 * The sentences a sender reads in a 400 schema-mismatch, shared by both validators so swapping the
 * validator never changes what senders see.
 *
 * Messages name types, bounds and allowed values from the schema, never the received value: rejected
 * requests are stored with their reason, and a payload may carry PHI or secrets.
 */
import { FORMAT_DESCRIPTIONS, type StringFormat } from './formats';
import type { JsonPrimitive, JsonType } from './json-schema';

/** The JSON type name of a parsed value, as a sender would call it (all numbers are "number"). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === undefined) return 'nothing';
  return typeof value;
}

/** "Expected string or null but received number". */
export function typeMismatch(expected: readonly JsonType[], value: unknown): string {
  return `Expected ${expected.join(' or ')} but received ${jsonTypeOf(value)}`;
}

/** "Missing required field patient_id"; reported at the pointer of the missing field. */
export function missingField(key: string): string {
  return `Missing required field ${key}`;
}

/** Reported at the pointer of a field a closed schema (`additionalProperties: false`) does not list. */
export function unexpectedField(key: string): string {
  return `Unexpected field ${key}; this webhook's schema does not allow it`;
}

const MAX_LISTED_VALUES = 10;

/** "Expected one of "a", "b"" (long lists are shortened so the error stays readable). */
export function enumMismatch(values: readonly JsonPrimitive[]): string {
  const listed = values.slice(0, MAX_LISTED_VALUES).map((v) => JSON.stringify(v)).join(', ');
  const more = values.length > MAX_LISTED_VALUES ? `, … (${values.length} allowed values)` : '';
  return `Expected one of ${listed}${more}`;
}

/** "Expected "chart_updated"". */
export function constMismatch(value: JsonPrimitive): string {
  return `Expected ${JSON.stringify(value)}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export const tooShort = (min: number): string => `Expected at least ${plural(min, 'character')}`;
export const tooLong = (max: number): string => `Expected at most ${plural(max, 'character')}`;
export const tooSmall = (min: number): string => `Expected a number greater than or equal to ${min}`;
export const tooLarge = (max: number): string => `Expected a number less than or equal to ${max}`;
export const tooFewItems = (min: number): string => `Expected at least ${plural(min, 'item')}`;
export const tooManyItems = (max: number): string => `Expected at most ${plural(max, 'item')}`;
export const patternMismatch = (pattern: string): string => `Expected a string matching the pattern ${pattern}`;

/** The string was not searched: the edge checks patterns only on strings up to `max` characters. */
export const patternSubjectTooLong = (pattern: string, max: number): string =>
  `Expected at most ${plural(max, 'character')} for a string checked against the pattern ${pattern}; the edge does not search longer strings`;

/** The string was not searched: the payload's pattern searches already reached the edge's budget. */
export const patternBudgetSpent = (pattern: string, budget: number): string =>
  `Not checked against the pattern ${pattern}: this payload's strings checked against patterns exceed the edge's budget of ${budget} steps (each string's length times 64 plus its pattern's size); send fewer or shorter strings`;

/** A stored pattern the edge's engine cannot run (saved before it refused such patterns). */
export const patternUnavailable = (pattern: string): string =>
  `This webhook's schema has a pattern the edge cannot run (${pattern}); the webhook's owner must change the schema`;
export const formatMismatch = (format: StringFormat): string => `Expected ${FORMAT_DESCRIPTIONS[format]}`;

/** Length in Unicode code points, as JSON Schema counts `minLength`/`maxLength` (not UTF-16 units). */
export function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}
