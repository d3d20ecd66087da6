/**
 * Multi-trigger classification: can this webhook's payload feed that workflow's input contract?
 *
 * Class A (input is the payload) requires equivalence. The rule, applied recursively:
 *   after ignoring annotations (title, description, $schema) and the order of `properties`,
 *   `required`, `type` arrays and `enum`, the payload schema must state exactly the same constraints
 *   as the input contract for every field the input declares — same types (integer is not number,
 *   nullable is not non-nullable), same required set, same format, enum/const, bounds and pattern.
 *   Fields the payload has but the input does not declare are ignored while the input leaves
 *   undeclared fields open (they cannot change what a workflow relies on); when the input closes
 *   them (`additionalProperties: false`) the payload must be closed over the same fields.
 * Format counts: the edge enforces it, so two schemas differing only in format accept different
 * payloads. Anything merely compatible (integer into number, a stricter payload) is Class B, which
 * needs an explicit mapping: a workflow never silently receives a payload its contract does not state.
 *
 * Class B: the mapping (input field ← JSON Pointer into the payload) must yield every required input
 * field, always present, with a type the input accepts. Required input fields the mapping leaves out
 * are taken from the payload field of the same name; the returned mapping lists every field, which
 * is what fan-out applies. A given mapping is always honoured, even when the schemas are equivalent.
 */
import { escape, isValidPointer, parse } from './json-pointer';
import { typesOf, type JsonSchema, type JsonType } from './json-schema';

export interface UnmetField {
  field: string;
  reason: string;
}

export type TriggerClass =
  | { class: 'A' }
  | { class: 'B'; mapping: Record<string, string> }
  | { class: 'refused'; unmet: UnmetField[] };

/** A workflow that lists the webhook as a trigger, as the control API stores it. */
export interface Dependent {
  workflowId: string;
  name: string;
  inputSchema: JsonSchema;
  mapping?: Record<string, string>;
}

/** A dependent the schema change would break, with what it would lose (for the 409). */
export interface BrokenDependent {
  workflowId: string;
  name: string;
  unmet: UnmetField[];
}

const ANY: JsonSchema = {};

function typeSet(schema: JsonSchema): Set<JsonType> | undefined {
  const types = typesOf(schema);
  return types === undefined ? undefined : new Set(types);
}

function showTypes(types: Set<JsonType> | undefined): string {
  return types === undefined ? 'any type' : [...types].join(' or ');
}

function mayBe(schema: JsonSchema, type: JsonType): boolean {
  const types = typesOf(schema);
  return types === undefined || types.includes(type) || (type === 'integer' && types.includes('number'));
}

function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

const SCALAR_KEYWORDS = ['format', 'pattern', 'const', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'] as const;

function sameSet<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

/** The first way `payload` differs from `input` under the Class A rule, or null when equivalent. */
function difference(input: JsonSchema, payload: JsonSchema, at: string): string | null {
  const where = at === '' ? '' : `at ${at}: `;
  const ti = typeSet(input);
  const tp = typeSet(payload);
  if (!sameSet(ti && [...ti], tp && [...tp])) return `${where}input expects ${showTypes(ti)}, payload has ${showTypes(tp)}`;
  for (const keyword of SCALAR_KEYWORDS) {
    if (input[keyword] !== payload[keyword]) return `${where}${keyword} differs: input ${show(input[keyword])}, payload ${show(payload[keyword])}`;
  }
  if (!sameSet(input.enum, payload.enum)) return `${where}enum differs: input ${show(input.enum)}, payload ${show(payload.enum)}`;
  if (input.items !== undefined || payload.items !== undefined) {
    const items = difference(input.items ?? ANY, payload.items ?? ANY, `${at}/items`);
    if (items !== null) return items;
  }
  return objectDifference(input, payload, at, where);
}

function objectDifference(input: JsonSchema, payload: JsonSchema, at: string, where: string): string | null {
  const declared = new Set([...Object.keys(input.properties ?? {}), ...(input.required ?? [])]);
  const inputRequired = new Set(input.required ?? []);
  const payloadRequired = new Set((payload.required ?? []).filter((k) => declared.has(k)));
  for (const key of declared) {
    if (inputRequired.has(key) !== payloadRequired.has(key)) {
      return `${where}field ${key} is ${inputRequired.has(key) ? 'required' : 'optional'} in the input but ${payloadRequired.has(key) ? 'required' : 'optional'} in the payload`;
    }
  }
  for (const [key, sub] of Object.entries(input.properties ?? {})) {
    const other = own(payload.properties, key) ?? (typeof payload.additionalProperties === 'object' ? payload.additionalProperties : ANY);
    const inner = difference(sub, other, `${at}/${escape(key)}`);
    if (inner !== null) return inner;
  }
  const closed = input.additionalProperties ?? true;
  if (closed === true) return null;
  if (closed === false) {
    const payloadKeys = Object.keys(payload.properties ?? {});
    if (payload.additionalProperties !== false || !sameSet(payloadKeys, Object.keys(input.properties ?? {}))) {
      return `${where}the input allows only its declared fields; the payload must allow exactly the same fields`;
    }
    return null;
  }
  if (typeof payload.additionalProperties !== 'object') return `${where}additionalProperties differs`;
  return difference(closed, payload.additionalProperties, `${at}/*`);
}

/**
 * Why a value valid under `source` (the payload side) might be invalid under `target` (the input
 * side), or null when every such value is valid. Conservative: when unsure it says incompatible.
 */
function incompatibility(target: JsonSchema, source: JsonSchema, at: string): string | null {
  const where = at === '' ? '' : ` at ${at}`;
  const tt = typesOf(target);
  const st = typesOf(source);
  if (tt !== undefined) {
    const ok = st !== undefined && st.every((s) => tt.includes(s) || (s === 'integer' && tt.includes('number')));
    if (!ok) return `expected ${showTypes(new Set(tt))}, payload has ${showTypes(st && new Set(st))}${where}`;
  }
  if (target.enum !== undefined) {
    const allowed = target.enum;
    const sourceValues = source.const !== undefined ? [source.const] : source.enum;
    if (sourceValues === undefined || !sourceValues.every((x) => allowed.includes(x))) return `expected one of ${show(allowed)}, payload allows other values${where}`;
  }
  if (target.const !== undefined && source.const !== target.const && !(source.enum?.length === 1 && source.enum[0] === target.const)) {
    return `expected ${show(target.const)}, payload allows other values${where}`;
  }
  if (target.format !== undefined && source.format !== target.format) return `expected format ${target.format}, payload has ${source.format ?? 'no format'}${where}`;
  if (target.pattern !== undefined && source.pattern !== target.pattern) return `expected pattern ${target.pattern}, payload does not guarantee it${where}`;
  for (const keyword of ['minLength', 'minimum', 'minItems'] as const) {
    const bound = target[keyword];
    const have = source[keyword];
    if (bound !== undefined && (have === undefined || have < bound)) return `expected ${keyword} ${bound}, payload has ${show(have)}${where}`;
  }
  for (const keyword of ['maxLength', 'maximum', 'maxItems'] as const) {
    const bound = target[keyword];
    const have = source[keyword];
    if (bound !== undefined && (have === undefined || have > bound)) return `expected ${keyword} ${bound}, payload has ${show(have)}${where}`;
  }
  if (target.items !== undefined && mayBe(source, 'array')) {
    const inner = incompatibility(target.items, source.items ?? ANY, `${at}/items`);
    if (inner !== null) return inner;
  }
  if (mayBe(source, 'object')) return objectIncompatibility(target, source, at, where);
  return null;
}

function objectIncompatibility(target: JsonSchema, source: JsonSchema, at: string, where: string): string | null {
  const sourceRequired = new Set(source.required ?? []);
  for (const key of target.required ?? []) {
    if (!sourceRequired.has(key)) return `field ${key} is required but optional or absent in the payload${where}`;
  }
  const sourceRest = source.additionalProperties ?? true;
  for (const [key, sub] of Object.entries(target.properties ?? {})) {
    const declared = own(source.properties, key);
    const other = declared ?? (sourceRest === false ? undefined : sourceRest === true ? ANY : sourceRest);
    if (other === undefined) continue;
    const inner = incompatibility(sub, other, `${at}/${escape(key)}`);
    if (inner !== null) return inner;
  }
  const targetRest = target.additionalProperties ?? true;
  if (targetRest === true) return null;
  const targetKeys = new Set(Object.keys(target.properties ?? {}));
  const extra = Object.entries(source.properties ?? {}).filter(([key]) => !targetKeys.has(key));
  if (targetRest === false) {
    if (sourceRest !== false || extra.length > 0) return `the input allows only its declared fields, the payload may have others${where}`;
    return null;
  }
  if (sourceRest !== false) {
    const rest = incompatibility(targetRest, sourceRest === true ? ANY : sourceRest, `${at}/*`);
    if (rest !== null) return rest;
  }
  for (const [key, sub] of extra) {
    const inner = incompatibility(targetRest, sub, `${at}/${escape(key)}`);
    if (inner !== null) return inner;
  }
  return null;
}

type Resolved = { ok: true; schema: JsonSchema; optional: boolean } | { ok: false; reason: string };

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/** The payload schema at `pointer`, and whether a valid payload may lack a value there. */
function resolve(payload: JsonSchema, pointer: string): Resolved {
  const tokens = parse(pointer);
  if (tokens === null) return { ok: false, reason: `${pointer} is not a valid JSON Pointer` };
  let node = payload;
  let optional = false;
  for (const token of tokens) {
    // A nullable parent may be null, and then nothing below it exists.
    if (mayBe(node, 'null') && typesOf(node) !== undefined) optional = true;
    const property = mayBe(node, 'object') ? own(node.properties, token) : undefined;
    if (property !== undefined) {
      if (!(node.required ?? []).includes(token)) optional = true;
      node = property;
    } else if (mayBe(node, 'array') && ARRAY_INDEX.test(token)) {
      if ((node.minItems ?? 0) <= Number(token)) optional = true;
      node = node.items ?? ANY;
    } else {
      return { ok: false, reason: `the payload schema has nothing at ${pointer}` };
    }
  }
  return { ok: true, schema: node, optional };
}

function identity(field: string): string {
  return `/${escape(field)}`;
}

/** Evaluates a mapping (explicit entries, identity for the rest); unmet is empty when it holds. */
function evaluateMapping(
  input: JsonSchema,
  payload: JsonSchema,
  explicit: Record<string, string>,
): { resolved: Record<string, string>; unmet: UnmetField[] } {
  const resolved: Record<string, string> = {};
  const unmet: UnmetField[] = [];
  const required = new Set(input.required ?? []);
  const setResolved = (field: string, pointer: string): void => {
    Object.defineProperty(resolved, field, { value: pointer, enumerable: true, writable: true, configurable: true });
  };
  const fields = new Set([...(input.required ?? []), ...Object.keys(input.properties ?? {}), ...Object.keys(explicit)]);
  for (const field of fields) {
    const given = own(explicit, field);
    const pointer = given ?? identity(field);
    const isRequired = required.has(field);
    const target = own(input.properties, field) ?? (typeof input.additionalProperties === 'object' ? input.additionalProperties : undefined);
    if (target === undefined && !isRequired && input.additionalProperties === false) {
      unmet.push({ field, reason: 'the input contract has no such field' });
      continue;
    }
    if (given !== undefined && !isValidPointer(given)) {
      unmet.push({ field, reason: `${given} is not a valid JSON Pointer (use "/a/b")` });
      continue;
    }
    const at = resolve(payload, pointer);
    if (!at.ok) {
      // An unmapped optional field the payload lacks is simply absent from the input.
      if (given === undefined && !isRequired) continue;
      unmet.push({
        field,
        reason: given === undefined ? `missing: the payload has no field ${field} and the mapping does not name one` : `missing: ${at.reason}`,
      });
      continue;
    }
    if (isRequired && at.optional) {
      unmet.push({ field, reason: `${pointer} is optional in the payload but ${field} is required by the input` });
      continue;
    }
    const why = incompatibility(target ?? ANY, at.schema, '');
    if (why !== null) {
      if (given === undefined && !isRequired) continue;
      unmet.push({ field, reason: `incompatible type at ${pointer}: ${why}` });
      continue;
    }
    setResolved(field, pointer);
  }
  return { resolved, unmet };
}

/** Class A differences per top-level field, for explaining a refusal when no mapping was given. */
function fieldDifferences(input: JsonSchema, payload: JsonSchema): UnmetField[] {
  const out: UnmetField[] = [];
  const rootTypes = difference({ type: input.type }, { type: payload.type }, '');
  if (rootTypes !== null) out.push({ field: '', reason: rootTypes });
  const keys = new Set([...(input.required ?? []), ...Object.keys(input.properties ?? {})]);
  for (const key of keys) {
    const single = (s: JsonSchema, k: string): JsonSchema => ({
      type: 'object',
      properties: Object.hasOwn(s.properties ?? {}, k) ? { [k]: own(s.properties, k) ?? ANY } : {},
      required: (s.required ?? []).filter((r) => r === k),
    });
    const why = difference(single(input, key), single(payload, key), '');
    if (why !== null) out.push({ field: key, reason: `not equivalent (${why}); give a mapping to attach this webhook as Class B` });
  }
  if (out.length === 0) {
    const why = difference(input, payload, '');
    out.push({ field: '', reason: `not equivalent (${why ?? 'schemas differ'})` });
  }
  return out;
}

/**
 * Classifies attaching a webhook (payload schema) as a trigger of a workflow (input schema).
 * With no mapping (or an empty one): Class A when equivalent, otherwise refused with each unmet
 * field. With a mapping: Class B when it yields every required input field, otherwise refused.
 */
export function classifyTrigger(inputSchema: JsonSchema, payloadSchema: JsonSchema, mapping?: Record<string, string>): TriggerClass {
  if (mapping === undefined || Object.keys(mapping).length === 0) {
    if (difference(inputSchema, payloadSchema, '') === null) return { class: 'A' };
    const { unmet } = evaluateMapping(inputSchema, payloadSchema, {});
    const listed = new Set(unmet.map((u) => u.field));
    const more = fieldDifferences(inputSchema, payloadSchema).filter((d) => !listed.has(d.field));
    return { class: 'refused', unmet: [...unmet, ...more] };
  }
  const { resolved, unmet } = evaluateMapping(inputSchema, payloadSchema, mapping);
  if (unmet.length > 0) return { class: 'refused', unmet };
  return { class: 'B', mapping: resolved };
}

/**
 * The dependents a payload-schema change would break: each workflow that could attach the webhook
 * under the old schema (Class A or B) and could not under the new one. A dependent already refused
 * under the old schema is not blamed on this change.
 */
export function checkSchemaChange(oldPayloadSchema: JsonSchema, newPayloadSchema: JsonSchema, dependents: readonly Dependent[]): BrokenDependent[] {
  const broken: BrokenDependent[] = [];
  for (const dependent of dependents) {
    const before = classifyTrigger(dependent.inputSchema, oldPayloadSchema, dependent.mapping);
    if (before.class === 'refused') continue;
    const after = classifyTrigger(dependent.inputSchema, newPayloadSchema, dependent.mapping);
    if (after.class === 'refused') broken.push({ workflowId: dependent.workflowId, name: dependent.name, unmet: after.unmet });
  }
  return broken;
}
