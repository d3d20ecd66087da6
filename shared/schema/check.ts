/**
 * The accept-path check: a schema compiled into plain predicates that answer only "valid or not",
 * building nothing. Most payloads are valid, and valibot (./validate.ts) copies every object and
 * array it walks to build its output; on a 64 KB FHIR bundle that walk was a fifth of the
 * ingress's CPU (bench/results.json, profiles). So `compileValidator` asks this check first and
 * runs valibot only for a payload it refuses, to name every failing path.
 *
 * One rule keeps the two honest: this check may refuse what valibot accepts (valibot then has the
 * last word), never accept what valibot refuses. Where valibot's reading of an object is subtle (a
 * declared key found only on the prototype), it refuses and lets valibot decide. Keys valibot's
 * rest skips as unsafe (`__proto__`, `prototype`, `constructor`) are not subtle here: validate.ts
 * runs the rest schema on them too, so this check treats them as any other undeclared key.
 * test/schema/check.test.ts holds both to the same verdicts.
 */
import { FORMAT_CHECKS, type StringFormat } from './formats';
import { SCHEMA_LIMITS, typesOf, type JsonSchema, type JsonType } from './json-schema';
import { codePointLength } from './messages';
import { compilePattern } from './pattern';
import type { PatternBudget } from './pattern-budget';

type Predicate = (value: unknown) => boolean;

/**
 * Format verdicts within one payload: the same system URI or timestamp recurs in every entry of a
 * bundle, and a format check is a regular expression. Cleared for each payload.
 */
export class FormatMemo {
  private readonly verdicts = new Map<StringFormat, Map<string, boolean>>();

  clear(): void {
    this.verdicts.clear();
  }

  check(format: StringFormat, value: string): boolean {
    let seen = this.verdicts.get(format);
    if (seen === undefined) {
      seen = new Map();
      this.verdicts.set(format, seen);
    }
    let verdict = seen.get(value);
    if (verdict === undefined) {
      verdict = FORMAT_CHECKS[format](value);
      seen.set(value, verdict);
    }
    return verdict;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The gate of each scalar type: one shared function per type, so a leaf costs one call, and the
 * walk's call sites see a handful of functions rather than a closure per node.
 */
const TYPE_GATES: Readonly<Record<Exclude<JsonType, 'array' | 'object'>, Predicate>> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number' && !Number.isNaN(value),
  integer: (value) => typeof value === 'number' && Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
  null: (value) => value === null,
};

const always: Predicate = () => true;

/** Compiles `schema` (already accepted by `checkEnforceable`) into a predicate sharing the validator's pattern budget. */
export function compileCheck(schema: JsonSchema, budget: PatternBudget, formats: FormatMemo): Predicate {
  return compileNode(schema, budget, formats);
}

function compileNode(schema: JsonSchema, budget: PatternBudget, formats: FormatMemo): Predicate {
  const types = typesOf(schema);
  const constraints = compileConstraints(schema, budget, formats);
  if (types === undefined || types.length === 0) return constraints ?? always;
  // The first type the value has decides, as validate.ts dispatches on the value's runtime type;
  // "number" also takes integers, so a value matching several branches passes if one of them does.
  const typed = anyOf(types.map((type) => compileShape(type, schema, budget, formats)));
  if (constraints === null) return typed;
  return (value) => typed(value) && constraints(value);
}

/** Passes what one of `predicates` passes; a single one is returned as it is. */
function anyOf(predicates: readonly Predicate[]): Predicate {
  const [only] = predicates;
  if (predicates.length === 1 && only !== undefined) return only;
  return (value) => {
    for (const predicate of predicates) if (predicate(value)) return true;
    return false;
  };
}

/** The type gate and what is inside it (fields, items) for one type of a node. */
function compileShape(type: JsonType, schema: JsonSchema, budget: PatternBudget, formats: FormatMemo): Predicate {
  if (type === 'array') {
    const item = schema.items === undefined ? null : compileNode(schema.items, budget, formats);
    if (item === null) return (value) => Array.isArray(value);
    return (value) => {
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i += 1) if (!item(value[i])) return false;
      return true;
    };
  }
  if (type === 'object') return compileObject(schema, budget, formats);
  return TYPE_GATES[type];
}

function compileObject(schema: JsonSchema, budget: PatternBudget, formats: FormatMemo): Predicate {
  const required = new Set(schema.required ?? []);
  const fields: { key: string; required: boolean; check: Predicate | null }[] = Object.entries(schema.properties ?? {}).map(([key, sub]) => ({
    key,
    required: required.has(key),
    check: compileNode(sub, budget, formats),
  }));
  for (const key of required) if (!Object.hasOwn(schema.properties ?? {}, key)) fields.push({ key, required: true, check: null });
  const declared = new Set(fields.map((f) => f.key));
  const additional = schema.additionalProperties;
  const rest: Predicate | 'any' | 'none' =
    additional === undefined || additional === true ? 'any' : additional === false ? 'none' : compileNode(additional, budget, formats);
  return (value) => {
    if (!isPlainObject(value)) return false;
    for (const field of fields) {
      if (!Object.hasOwn(value, field.key)) {
        // Found only on the prototype ("toString"): valibot reads it as present; let it decide.
        if (field.key in value || field.required) return false;
        continue;
      }
      if (field.check !== null && !field.check(value[field.key])) return false;
    }
    if (rest === 'any') return true;
    for (const key in value) {
      if (!Object.hasOwn(value, key) || declared.has(key)) continue;
      if (rest === 'none' || !rest(value[key])) return false;
    }
    return true;
  };
}

/** Every constraint keyword of a node, each applying only to values of the type it is about; null when it has none. */
function compileConstraints(schema: JsonSchema, budget: PatternBudget, formats: FormatMemo): Predicate | null {
  const checks: Predicate[] = [];
  const { minLength, maxLength, pattern, format, minimum, maximum, minItems, maxItems } = schema;
  if (minLength !== undefined || maxLength !== undefined) {
    checks.push((value) => {
      if (typeof value !== 'string') return true;
      const length = codePointLength(value);
      return (minLength === undefined || length >= minLength) && (maxLength === undefined || length <= maxLength);
    });
  }
  if (pattern !== undefined) checks.push(patternPredicate(pattern, budget));
  if (format !== undefined) checks.push((value) => typeof value !== 'string' || formats.check(format, value));
  if (minimum !== undefined || maximum !== undefined) {
    checks.push((value) => typeof value !== 'number' || ((minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum)));
  }
  if (minItems !== undefined || maxItems !== undefined) {
    checks.push((value) => !Array.isArray(value) || ((minItems === undefined || value.length >= minItems) && (maxItems === undefined || value.length <= maxItems)));
  }
  if (schema.enum !== undefined) {
    const allowed = schema.enum;
    checks.push((value) => allowed.some((candidate) => candidate === value));
  }
  if (schema.const !== undefined) {
    const expected = schema.const;
    checks.push((value) => value === expected);
  }
  return checks.length === 0 ? null : allOf(checks);
}

/** Passes what every one of `predicates` passes; a single one is returned as it is. */
function allOf(predicates: readonly Predicate[]): Predicate {
  const [only] = predicates;
  if (predicates.length === 1 && only !== undefined) return only;
  return (value) => {
    for (const predicate of predicates) if (!predicate(value)) return false;
    return true;
  };
}

/** validate.ts's pattern rule, charged to the same budget: a refusal here sends the payload to valibot, which charges afresh. */
function patternPredicate(pattern: string, budget: PatternBudget): Predicate {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) return (value) => typeof value !== 'string';
  const { test, size } = compiled.pattern;
  const max = SCHEMA_LIMITS.MAX_PATTERN_SUBJECT_LENGTH;
  return (value) => {
    if (typeof value !== 'string') return true;
    if (value.length > max && codePointLength(value) > max) return false;
    return budget.charge(value.length, size) && test(value);
  };
}
