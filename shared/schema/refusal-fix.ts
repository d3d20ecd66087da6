/**
 * The schema change that would admit a refused payload, worked out from the refusal alone: its
 * failing paths and their messages (./messages.ts). A message names the type the payload had at a
 * path ("Expected string but received number") and the rule it broke, never a value, so the console
 * can offer a fix for every kept request without reading one payload (a payload read is PHI, and
 * audited). The fix only ever widens: a field accepts one more type, a required field becomes
 * optional, a closed object lists one more field (of any type: the message does not say which), a
 * constraint is dropped. Whether the wider schema still feeds the webhook's workflows is the
 * compatibility check's question (./compat.ts), asked before anything is saved.
 *
 * Each message is recognised by building it again with the same functions the validators use, from
 * today's schema at that path: a message that schema would not give there (the schema has changed
 * since the refusal, or the rule is one no schema change fixes) is returned as `unaddressed`.
 */
import { parse } from './json-pointer';
import { SCHEMA_LIMITS, typesOf, type JsonSchema, type JsonType } from './json-schema';
import * as msg from './messages';
import { PATTERN_WORK_BUDGET } from './pattern-budget';

/** One failing path of a refused payload, as the ingress answered it and the kept request records it. */
export interface RefusalError {
  path: string;
  message: string;
}

/** The constraints a fix may drop, each named by its JSON Schema keyword. */
export type DroppedKeyword = 'enum' | 'const' | 'minLength' | 'maxLength' | 'minimum' | 'maximum' | 'minItems' | 'maxItems' | 'pattern' | 'format';

/**
 * One change of the fix. `field` names the schema location as a person reads it: `status`,
 * `patient.id`, `updated_fields[]` (every item), `` for the payload itself.
 */
export type FixStep =
  | { kind: 'widen-type'; field: string; add: JsonType; droppedValues: boolean }
  | { kind: 'add-property'; field: string }
  | { kind: 'make-optional'; field: string }
  | { kind: 'drop-constraint'; field: string; keyword: DroppedKeyword };

export interface SchemaFix {
  /** Today's schema with every step applied (a copy: the input is not changed). */
  schema: JsonSchema;
  /** What changes, once per schema location, in the order the errors named them. */
  steps: FixStep[];
  /** Errors no step addresses: today's schema would not give that message there. */
  unaddressed: RefusalError[];
}

/** A value of each JSON type, to build a type-mismatch message as the validators do. */
const SAMPLE_OF: Readonly<Record<Exclude<JsonType, 'integer'>, unknown>> = { string: '', number: 0, boolean: false, null: null, array: [], object: {} };
const RECEIVABLE = Object.keys(SAMPLE_OF) as Exclude<JsonType, 'integer'>[];

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

interface Location {
  node: JsonSchema;
  field: string;
}

function own(record: Record<string, JsonSchema> | undefined, key: string): JsonSchema | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function childField(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

/** The schema node a payload path falls under, or null when nothing in the schema describes it. */
function locate(root: JsonSchema, tokens: readonly string[]): Location | null {
  let node = root;
  let field = '';
  for (const token of tokens) {
    const property = own(node.properties, token);
    if (property !== undefined) {
      node = property;
      field = childField(field, token);
    } else if (ARRAY_INDEX.test(token) && node.items !== undefined) {
      node = node.items;
      field = `${field}[]`;
    } else if (typeof node.additionalProperties === 'object') {
      node = node.additionalProperties;
      field = childField(field, '*');
    } else {
      return null;
    }
  }
  return { node, field };
}

/** The type a type-mismatch message says the payload had, when today's `node` gives exactly that message. */
function receivedType(node: JsonSchema, message: string): Exclude<JsonType, 'integer'> | null {
  const types = typesOf(node);
  if (types === undefined) return null;
  return RECEIVABLE.find((t) => msg.typeMismatch(types, SAMPLE_OF[t]) === message) ?? null;
}

/** The constraint of `node` whose message this is, if any. */
function brokenConstraint(node: JsonSchema, message: string): DroppedKeyword | null {
  const { pattern, format } = node;
  const candidates: [DroppedKeyword, string[]][] = [
    ['enum', node.enum === undefined ? [] : [msg.enumMismatch(node.enum)]],
    ['const', node.const === undefined ? [] : [msg.constMismatch(node.const)]],
    ['minLength', node.minLength === undefined ? [] : [msg.tooShort(node.minLength)]],
    ['maxLength', node.maxLength === undefined ? [] : [msg.tooLong(node.maxLength)]],
    ['minimum', node.minimum === undefined ? [] : [msg.tooSmall(node.minimum)]],
    ['maximum', node.maximum === undefined ? [] : [msg.tooLarge(node.maximum)]],
    ['minItems', node.minItems === undefined ? [] : [msg.tooFewItems(node.minItems)]],
    ['maxItems', node.maxItems === undefined ? [] : [msg.tooManyItems(node.maxItems)]],
    [
      'pattern',
      pattern === undefined
        ? []
        : [
            msg.patternMismatch(pattern),
            msg.patternSubjectTooLong(pattern, SCHEMA_LIMITS.MAX_PATTERN_SUBJECT_LENGTH),
            msg.patternBudgetSpent(pattern, PATTERN_WORK_BUDGET),
            msg.patternUnavailable(pattern),
          ],
    ],
    ['format', format === undefined ? [] : [msg.formatMismatch(format)]],
  ];
  return candidates.find(([, messages]) => messages.includes(message))?.[0] ?? null;
}

/** `node` accepting `type` too; `number` takes the place of `integer`, which it includes. */
function widened(node: JsonSchema, type: Exclude<JsonType, 'integer'>): JsonType[] {
  const types = (typesOf(node) ?? []).filter((t) => !(type === 'number' && t === 'integer'));
  return types.includes(type) ? types : [...types, type];
}

/** A step found in today's schema, and how to apply it to the copy at the same place. */
interface Found {
  step: FixStep;
  apply: (copy: JsonSchema) => void;
}

function findStep(schema: JsonSchema, error: RefusalError): Found | null {
  const tokens = parse(error.path);
  if (tokens === null) return null;
  const key = tokens[tokens.length - 1];
  const parentTokens = tokens.slice(0, -1);
  const parent = key === undefined ? null : locate(schema, parentTokens);

  if (key !== undefined && parent !== null) {
    if (error.message === msg.missingField(key) && (parent.node.required ?? []).includes(key)) {
      return {
        step: { kind: 'make-optional', field: childField(parent.field, key) },
        apply: (copy) => {
          const at = locate(copy, parentTokens)?.node;
          if (at?.required === undefined) return;
          at.required = at.required.filter((r) => r !== key);
          if (at.required.length === 0) delete at.required;
        },
      };
    }
    if (error.message === msg.unexpectedField(key) && parent.node.additionalProperties === false) {
      return {
        step: { kind: 'add-property', field: childField(parent.field, key) },
        apply: (copy) => {
          const at = locate(copy, parentTokens)?.node;
          if (at === undefined) return;
          at.properties ??= {};
          // defineProperty, not assignment: a field named "__proto__" must become a property.
          if (!Object.hasOwn(at.properties, key)) Object.defineProperty(at.properties, key, { value: {}, enumerable: true, writable: true, configurable: true });
        },
      };
    }
  }

  const at = locate(schema, tokens);
  // The payload itself of the wrong type (not an object): no field to widen.
  if (at === null || tokens.length === 0) return null;
  const received = receivedType(at.node, error.message);
  if (received !== null) {
    const values = at.node.enum ?? (at.node.const === undefined ? undefined : [at.node.const]);
    // A list of allowed values with none of the new type would refuse the value next: drop it too.
    const droppedValues = values !== undefined && !values.some((value) => msg.jsonTypeOf(value) === received);
    return {
      step: { kind: 'widen-type', field: at.field, add: received, droppedValues },
      apply: (copy) => {
        const node = locate(copy, tokens)?.node;
        if (node === undefined) return;
        const types = widened(node, received);
        node.type = types.length === 1 && types[0] !== undefined ? types[0] : types;
        if (droppedValues) {
          delete node.enum;
          delete node.const;
        }
      },
    };
  }
  const keyword = brokenConstraint(at.node, error.message);
  if (keyword === null) return null;
  return {
    step: { kind: 'drop-constraint', field: at.field, keyword },
    apply: (copy) => {
      const node = locate(copy, tokens)?.node;
      if (node !== undefined) delete node[keyword];
    },
  };
}

function stepKey(step: FixStep): string {
  switch (step.kind) {
    case 'widen-type':
      return `${step.kind} ${step.field} ${step.add}`;
    case 'drop-constraint':
      return `${step.kind} ${step.field} ${step.keyword}`;
    case 'add-property':
    case 'make-optional':
      return `${step.kind} ${step.field}`;
  }
}

/**
 * The smallest widening of `schema` that admits a payload refused with `errors` (every failing
 * path, as the ingress reports them), as far as the messages tell. Errors of one schema location
 * (items of one array) give one step. A step changes only the copy; `schema` is left as it was.
 */
export function proposeSchemaFix(schema: JsonSchema, errors: readonly RefusalError[]): SchemaFix {
  const copy = structuredClone(schema);
  const steps: FixStep[] = [];
  const seen = new Set<string>();
  const unaddressed: RefusalError[] = [];
  for (const error of errors) {
    // Every step is read from today's schema as it was, so two items of one array give one step.
    const found = findStep(schema, error);
    if (found === null) {
      unaddressed.push(error);
      continue;
    }
    const key = stepKey(found.step);
    if (seen.has(key)) continue;
    seen.add(key);
    steps.push(found.step);
    found.apply(copy);
  }
  return { schema: copy, steps, unaddressed };
}

const DROPPED_WORDS: Readonly<Record<DroppedKeyword, string>> = {
  enum: 'its list of allowed values',
  const: 'its fixed value',
  minLength: 'its minimum length',
  maxLength: 'its maximum length',
  minimum: 'its minimum',
  maximum: 'its maximum',
  minItems: 'its minimum number of items',
  maxItems: 'its maximum number of items',
  pattern: 'its pattern',
  format: 'its format',
};

/** A field as the step's text shows it, in backquotes (the console renders them as code). */
function quoted(field: string): string {
  return field === '' ? 'the payload' : `\`${field}\``;
}

/** A step in words: "widen `status` to accept number too", "add optional property `x`". */
export function fixStepText(step: FixStep): string {
  switch (step.kind) {
    case 'widen-type':
      return `widen ${quoted(step.field)} to accept ${step.add} too${step.droppedValues ? ' (and drop its list of allowed values, which has no value of that type)' : ''}`;
    case 'add-property':
      return `add optional property ${quoted(step.field)} (of any type)`;
    case 'make-optional':
      return `make ${quoted(step.field)} optional`;
    case 'drop-constraint':
      return `drop ${DROPPED_WORDS[step.keyword]} from ${quoted(step.field)}`;
  }
}
