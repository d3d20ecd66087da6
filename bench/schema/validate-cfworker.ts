/**
 * Payload validation on @cfworker/json-schema (an interpreter: no eval, runs in workerd), behind the
 * same {@link Validator} interface as the valibot one (shared/schema/validate.ts, which the service
 * uses) so the two can be tested (test/schema/validate.test.ts) and benchmarked
 * (bench/schema.bench.mjs) side by side. Not part of the service: nothing under shared/ imports it.
 *
 * The library reports a wrapper error for every ancestor of a failure ("Property x does not match
 * schema") and its own wording; this adapter keeps only the leaf keywords and rewrites each into
 * the shared sender-facing messages.
 */
import { Validator as CfValidator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { escape, get, parse } from '../../shared/schema/json-pointer';
import { typesOf, type JsonSchema, type JsonType } from '../../shared/schema/json-schema';
import * as msg from '../../shared/schema/messages';
import { finishErrors, VALID, type SchemaMismatch, type ValidationResult, type Validator } from '../../shared/schema/validator';

const ALL_TYPES: readonly JsonType[] = ['object', 'array', 'string', 'number', 'boolean', 'null'];

// cfworker pointers are URI fragments: "#" then tokens escaped per RFC 6901, then encodeURI'd, with
// "#" as %23. decodeURIComponent undoes exactly that (a literal "%" was encoded as %25).
function fragmentToPointer(fragment: string): string {
  return decodeURIComponent(fragment.startsWith('#') ? fragment.slice(1) : fragment);
}

function isSchemaNode(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The schema node holding the keyword at `keywordLocation` (the location minus its last token). */
function schemaNodeAt(root: JsonSchema, keywordLocation: string): JsonSchema | undefined {
  const tokens = parse(fragmentToPointer(keywordLocation));
  if (tokens === null) return undefined;
  const nodePointer = tokens.slice(0, -1).map((t) => `/${escape(t)}`).join('');
  const node = get(root, nodePointer);
  return isSchemaNode(node) ? node : undefined;
}

function lastToken(pointer: string): string {
  const tokens = parse(pointer);
  return tokens?.[tokens.length - 1] ?? '';
}

// "Instance does not have required property "<key>"." — the key is everything between the first
// and last quote, so keys containing quotes survive.
function requiredKey(error: string): string {
  return error.slice(error.indexOf('"') + 1, error.lastIndexOf('"'));
}

function describe(unit: OutputUnit, root: JsonSchema, payload: unknown): SchemaMismatch | null {
  const path = fragmentToPointer(unit.instanceLocation);
  switch (unit.keyword) {
    case 'required': {
      const key = requiredKey(unit.error);
      return { path: `${path}/${escape(key)}`, message: msg.missingField(key) };
    }
    case 'false':
      // The only boolean-false schema the enforced subset allows is `additionalProperties: false`.
      return { path, message: msg.unexpectedField(lastToken(path)) };
    default:
      break;
  }
  const node = schemaNodeAt(root, unit.keywordLocation);
  if (node === undefined) return { path, message: unit.error };
  const value = get(payload, path);
  switch (unit.keyword) {
    case 'type':
      return { path, message: msg.typeMismatch(typesOf(node) ?? ALL_TYPES, value) };
    case 'enum':
      return { path, message: msg.enumMismatch(node.enum ?? []) };
    case 'const':
      return node.const === undefined ? null : { path, message: msg.constMismatch(node.const) };
    case 'minLength':
      return { path, message: msg.tooShort(node.minLength ?? 0) };
    case 'maxLength':
      return { path, message: msg.tooLong(node.maxLength ?? 0) };
    case 'pattern':
      return { path, message: msg.patternMismatch(node.pattern ?? '') };
    case 'format':
      return node.format === undefined ? null : { path, message: msg.formatMismatch(node.format) };
    case 'minimum':
      return { path, message: msg.tooSmall(node.minimum ?? 0) };
    case 'maximum':
      return { path, message: msg.tooLarge(node.maximum ?? 0) };
    case 'minItems':
      return { path, message: msg.tooFewItems(node.minItems ?? 0) };
    case 'maxItems':
      return { path, message: msg.tooManyItems(node.maxItems ?? 0) };
    default:
      // Wrapper keywords ("properties", "items", "additionalProperties") only repeat a leaf's failure.
      return null;
  }
}

/**
 * Compiles `schema` (already accepted by `checkEnforceable`) into a {@link Validator} backed by
 * @cfworker/json-schema, draft 2020-12, with short-circuiting off so every failure is reported.
 */
export function compileValidator(schema: JsonSchema): Validator {
  // JsonSchema is a structural subset of the library's Schema type.
  const validator = new CfValidator(schema as Schema, '2020-12', false);
  return {
    validate(payload: unknown): ValidationResult {
      let units: OutputUnit[];
      try {
        const result = validator.validate(payload);
        if (result.valid) return VALID;
        units = result.errors;
      } catch {
        // The library URI-encodes field names; a lone UTF-16 surrogate in a key makes that throw.
        return { ok: false, errors: [{ path: '', message: 'The payload has a field name that is not valid Unicode' }] };
      }
      const found: { mismatch: SchemaMismatch; isType: boolean }[] = [];
      const typeFailures = new Set<string>();
      for (const unit of units) {
        const mismatch = describe(unit, schema, payload);
        if (mismatch === null) continue;
        const isType = unit.keyword === 'type';
        if (isType) typeFailures.add(mismatch.path);
        found.push({ mismatch, isType });
      }
      // A value of the wrong type also fails its enum/bounds; the type error alone says what to fix.
      const kept = found.filter((f) => f.isType || !typeFailures.has(f.mismatch.path)).map((f) => f.mismatch);
      return finishErrors(kept);
    },
  };
}
