/**
 * Payload validation on valibot: a stored JSON Schema is compiled once into a valibot schema (plain
 * closures, no eval, so it runs in workerd), then `validate` runs it with `abortEarly: false` so
 * every failing path is collected.
 *
 * Shape of the compiled tree, per JSON Schema node:
 *  - a type gate (`v.string`, `v.number`, an integer `v.custom`, `v.looseObject`, …) whose message
 *    names the expected and received JSON types; a type array dispatches on the value's runtime type
 *    through `v.lazy`, so an object with a bad field reports that field, not "wrong type";
 *  - one `v.rawCheck` carrying all of the node's constraints (lengths, bounds, pattern, format,
 *    enum/const). A single action keeps the pipe short, and because it inspects the value itself it
 *    still reports `minItems` when some items failed (valibot would skip a plain length action then).
 */
import * as v from 'valibot';
import { compileCheck, FormatMemo } from './check';
import { FORMAT_CHECKS } from './formats';
import { fromTokens } from './json-pointer';
import { SCHEMA_LIMITS, typesOf, type JsonSchema, type JsonType } from './json-schema';
import * as msg from './messages';
import { compilePattern } from './pattern';
import { PATTERN_WORK_BUDGET, PatternBudget } from './pattern-budget';
import { finishErrors, VALID, type SchemaMismatch, type ValidationResult, type Validator } from './validator';

export type { SchemaMismatch, ValidationResult, Validator } from './validator';

type Node = v.GenericSchema;
type ObjectNode = v.GenericSchema<Record<string, unknown>>;

// valibot reports a closed object's extra key through `v.never` before the key is on the issue
// path; the message is rewritten once the full path is known.
const UNEXPECTED_FIELD = '\u0000unexpected-field';

const PARSE_CONFIG = { abortEarly: false, abortPipeEarly: false } as const;

// valibot's objectWithRest leaves these keys out of the rest as unsafe, yet JSON.parse makes
// `{"__proto__": 1}` an own key like any other: unchecked, a closed object would accept them and an
// additionalProperties schema would never see their values.
const KEYS_VALIBOT_SKIPS = ['__proto__', 'prototype', 'constructor'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** The JSON type a value dispatches on; integral numbers are "integer". */
function runtimeType(value: unknown): JsonType | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : Number.isFinite(value) ? 'number' : undefined;
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'array' : 'object';
    default:
      return undefined;
  }
}

function matchesTypes(value: unknown, types: readonly JsonType[]): boolean {
  const actual = runtimeType(value);
  if (actual === undefined) return false;
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function compileObject(schema: JsonSchema, budget: PatternBudget, typeMessage: (issue: v.BaseIssue<unknown>) => string): Node {
  const required = new Set(schema.required ?? []);
  const entries: v.ObjectEntries = {};
  const define = (key: string, node: Node): void => {
    // defineProperty, not assignment: a field named "__proto__" must become an entry, not a prototype.
    Object.defineProperty(entries, key, { value: node, enumerable: true, writable: true, configurable: true });
  };
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const node = compileNode(sub, budget);
    define(key, required.has(key) ? node : v.optional(node));
  }
  for (const key of required) {
    if (!Object.hasOwn(entries, key)) define(key, v.unknown());
  }
  const missing = (issue: v.BaseIssue<unknown>): string => {
    const last = issue.path?.[issue.path.length - 1];
    return msg.missingField(String(last?.key ?? ''));
  };
  const additional = schema.additionalProperties;
  const shape =
    additional === undefined || additional === true
      ? v.looseObject(entries, missing)
      : restWithSkippedKeys(entries, additional === false ? v.never(UNEXPECTED_FIELD) : compileNode(additional, budget), missing);
  // valibot's object schemas accept arrays; JSON Schema's "object" does not.
  return v.pipe(v.custom<Record<string, unknown>>(isPlainObject, typeMessage), shape);
}

/**
 * `v.objectWithRest`, with its rest schema also run on any KEYS_VALIBOT_SKIPS key that is own,
 * enumerable and undeclared, the keys valibot's own rest loop would take. The step reads the input,
 * not the output (valibot's copy has already dropped those keys), so `v.lazy` builds it only for an
 * object that has one; any other object costs three lookups.
 */
function restWithSkippedKeys(entries: v.ObjectEntries, rest: Node, missing: (issue: v.BaseIssue<unknown>) => string): ObjectNode {
  const shape: ObjectNode = v.objectWithRest(entries, rest, missing);
  const undeclared = KEYS_VALIBOT_SKIPS.filter((key) => !Object.hasOwn(entries, key));
  return v.lazy<ObjectNode>((input) => {
    if (!isPlainObject(input)) return shape;
    const found = undeclared.filter((key) => Object.prototype.propertyIsEnumerable.call(input, key));
    if (found.length === 0) return shape;
    return v.pipe(
      shape,
      v.rawCheck(({ addIssue }) => {
        for (const key of found) {
          const value = input[key];
          const result = v.safeParse(rest, value, PARSE_CONFIG);
          if (result.success) continue;
          const at: v.ObjectPathItem = { type: 'object', origin: 'value', input, key, value };
          for (const issue of result.issues) addIssue({ message: issue.message, path: [at, ...(issue.path ?? [])] });
        }
      }),
    );
  });
}

function compileType(type: JsonType, schema: JsonSchema, types: readonly JsonType[], budget: PatternBudget): Node {
  const typeMessage = (issue: v.BaseIssue<unknown>): string => msg.typeMismatch(types, issue.input);
  switch (type) {
    case 'string':
      return v.string(typeMessage);
    case 'number':
      return v.number(typeMessage);
    case 'integer':
      return v.custom<number>(isInteger, typeMessage);
    case 'boolean':
      return v.boolean(typeMessage);
    case 'null':
      return v.null(typeMessage);
    case 'array':
      return v.array(schema.items === undefined ? v.unknown() : compileNode(schema.items, budget), typeMessage);
    case 'object':
      return compileObject(schema, budget, typeMessage);
  }
}

/** A type array: pick the branch for the value's runtime type; no branch is a type mismatch. */
function compileDispatch(schema: JsonSchema, types: readonly JsonType[], budget: PatternBudget): Node {
  const branches = new Map<JsonType, Node>();
  for (const type of types) branches.set(type, compileType(type, schema, types, budget));
  const numberBranch = branches.get('number');
  // "number" accepts integers too; an explicit "integer" branch only matters without "number".
  if (numberBranch !== undefined) branches.set('integer', numberBranch);
  const mismatch = v.custom<never>(() => false, (issue) => msg.typeMismatch(types, issue.input));
  return v.lazy((input) => {
    const type = runtimeType(input);
    return (type === undefined ? undefined : branches.get(type)) ?? mismatch;
  });
}

type Check = (value: unknown, issues: string[]) => void;

/**
 * A `pattern` compiled once, here, with the validator (never per request), on the linear-time
 * engine. Strings over the subject cap fail without being searched, so one string's cost is bounded
 * by the cap times the pattern's program size, whatever the payload.
 */
function patternCheck(pattern: string, budget: PatternBudget): Check {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) {
    // Only a schema saved before the engine changed can get here (checkEnforceable refuses it now).
    // Fail closed: accepting would promise workflows a check nobody runs.
    return (value, issues) => {
      if (typeof value === 'string') issues.push(msg.patternUnavailable(pattern));
    };
  }
  const { test, size } = compiled.pattern;
  const max = SCHEMA_LIMITS.MAX_PATTERN_SUBJECT_LENGTH;
  return (value, issues) => {
    if (typeof value !== 'string') return;
    // UTF-16 length bounds the code-point length from above: count code points only near the cap.
    if (value.length > max && msg.codePointLength(value) > max) issues.push(msg.patternSubjectTooLong(pattern, max));
    else if (!budget.charge(value.length, size)) issues.push(msg.patternBudgetSpent(pattern, PATTERN_WORK_BUDGET));
    else if (!test(value)) issues.push(msg.patternMismatch(pattern));
  };
}

/** Every constraint keyword of one node, as checks that only look at values of the type they apply to. */
function constraintChecks(schema: JsonSchema, budget: PatternBudget): Check[] {
  const checks: Check[] = [];
  const { minLength, maxLength, pattern, format, minimum, maximum, minItems, maxItems } = schema;
  if (minLength !== undefined || maxLength !== undefined) {
    checks.push((value, issues) => {
      if (typeof value !== 'string') return;
      const length = msg.codePointLength(value);
      if (minLength !== undefined && length < minLength) issues.push(msg.tooShort(minLength));
      if (maxLength !== undefined && length > maxLength) issues.push(msg.tooLong(maxLength));
    });
  }
  if (pattern !== undefined) checks.push(patternCheck(pattern, budget));
  if (format !== undefined) {
    const check = FORMAT_CHECKS[format];
    checks.push((value, issues) => {
      if (typeof value === 'string' && !check(value)) issues.push(msg.formatMismatch(format));
    });
  }
  if (minimum !== undefined || maximum !== undefined) {
    checks.push((value, issues) => {
      if (typeof value !== 'number') return;
      if (minimum !== undefined && value < minimum) issues.push(msg.tooSmall(minimum));
      if (maximum !== undefined && value > maximum) issues.push(msg.tooLarge(maximum));
    });
  }
  if (minItems !== undefined || maxItems !== undefined) {
    checks.push((value, issues) => {
      if (!Array.isArray(value)) return;
      if (minItems !== undefined && value.length < minItems) issues.push(msg.tooFewItems(minItems));
      if (maxItems !== undefined && value.length > maxItems) issues.push(msg.tooManyItems(maxItems));
    });
  }
  if (schema.enum !== undefined) {
    const allowed = schema.enum;
    checks.push((value, issues) => {
      if (!allowed.some((candidate) => candidate === value)) issues.push(msg.enumMismatch(allowed));
    });
  }
  if (schema.const !== undefined) {
    const expected = schema.const;
    checks.push((value, issues) => {
      if (value !== expected) issues.push(msg.constMismatch(expected));
    });
  }
  return checks;
}

function compileNode(schema: JsonSchema, budget: PatternBudget): Node {
  const types = typesOf(schema);
  const first = types?.[0];
  const gate =
    types === undefined || first === undefined
      ? v.unknown()
      : types.length === 1
        ? compileType(first, schema, types, budget)
        : compileDispatch(schema, types, budget);
  const checks = constraintChecks(schema, budget);
  if (checks.length === 0) return gate;
  return v.pipe(
    gate,
    v.rawCheck(({ dataset, addIssue }) => {
      const value = dataset.value;
      // A value of the wrong type already has its type error; its constraints would only add noise.
      if (types !== undefined && !matchesTypes(value, types)) return;
      const issues: string[] = [];
      for (const check of checks) check(value, issues);
      for (const message of issues) addIssue({ message });
    }),
  );
}

function toMismatch(issue: v.BaseIssue<unknown>): SchemaMismatch {
  const keys: (string | number)[] = [];
  for (const item of issue.path ?? []) keys.push(typeof item.key === 'number' ? item.key : String(item.key));
  const path = fromTokens(keys);
  if (issue.message === UNEXPECTED_FIELD) return { path, message: msg.unexpectedField(String(keys[keys.length - 1] ?? '')) };
  return { path, message: issue.message };
}

/**
 * Compiles `schema` (already accepted by `checkEnforceable`) into a reusable {@link Validator}.
 * Compile once per webhook and cache. A payload the accept-path check (./check.ts) passes is valid
 * at the cost of a walk; only one it refuses pays for valibot's copy, to name every failing path.
 */
export function compileValidator(schema: JsonSchema): Validator {
  const budget = new PatternBudget();
  const formats = new FormatMemo();
  const accepts = compileCheck(schema, budget, formats);
  const report = compileReportingValidator(schema, budget);
  return {
    validate(payload: unknown): ValidationResult {
      // Both walks are synchronous (no async schema in the tree), so no other payload can spend this
      // validator's budget between a reset and the result.
      budget.reset();
      formats.clear();
      const accepted = accepts(payload);
      formats.clear();
      if (accepted) return VALID;
      budget.reset();
      return report(payload);
    },
  };
}

/**
 * The valibot walk alone: every failing path of a payload, at the price of a copy of it. What
 * `compileValidator` falls back to; exported so tests can hold the accept-path check to its verdicts.
 */
export function compileReportingValidator(schema: JsonSchema, budget = new PatternBudget()): (payload: unknown) => ValidationResult {
  const root = compileNode(schema, budget);
  return (payload) => {
    const result = v.safeParse(root, payload, PARSE_CONFIG);
    if (result.success) return VALID;
    return finishErrors(result.issues.map(toMismatch));
  };
}
