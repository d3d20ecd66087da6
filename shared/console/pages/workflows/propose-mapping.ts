/**
 * The Class B mapping the attach page proposes: for each input field of the workflow, the payload
 * path that most plausibly carries it. Candidates are ranked by how they match the field's name —
 * the same name at the top level, then the same name in another case style (`patientId` for
 * `patient_id`), then a nested field with that name, then a nested path whose keys read as the name
 * (`/patient/id` for `patient_id`) — and within a rank the shallowest, then the first in the schema,
 * wins. A candidate counts only when the API would accept it: each is checked with the same
 * `classifyTrigger` the control API applies, so a proposal never offers a path of the wrong type, or
 * an optional path for a required field. The API still classifies what is finally sent.
 *
 * Pure: schemas in, proposal out. Paths go through objects only, never into arrays (an element of an
 * array is not always there).
 */
import { classifyTrigger, type JsonSchema } from '../../../schema';
import { typesOf } from '../../../schema/json-schema';
import { fromTokens } from '../../../schema/json-pointer';

/** How deep the proposal looks into the payload: a mapping rarely reaches further. */
const MAX_DEPTH = 8;

/** One place in the payload a mapping can point at. */
export interface PayloadPath {
  /** JSON Pointer into the payload: `/patient/id`. */
  pointer: string;
  /** The keys from the root, unescaped. */
  keys: readonly string[];
  schema: JsonSchema;
  /** True when every valid payload has a value here (required all the way down). */
  alwaysPresent: boolean;
}

/** Why a path was proposed for a field, from the strongest match to the weakest. */
export type MatchKind = 'same-name' | 'same-name-other-case' | 'nested-same-name' | 'nested-joined-name';

export interface ProposedField {
  field: string;
  required: boolean;
  /** Null when no path of the payload can fill the field. */
  pointer: string | null;
  match: MatchKind | null;
}

export interface MappingProposal {
  fields: ProposedField[];
  /** Input field ← pointer, for every field that has a proposal. */
  mapping: Record<string, string>;
}

function isObjectLike(schema: JsonSchema): boolean {
  const types = typesOf(schema);
  return types === undefined || types.includes('object');
}

/**
 * Every path into the payload's objects (depth-first, in the schema's order), each with its schema
 * and whether a valid payload always has it.
 */
export function payloadPaths(payload: JsonSchema, maxDepth: number = MAX_DEPTH): PayloadPath[] {
  const out: PayloadPath[] = [];
  const walk = (node: JsonSchema, keys: readonly string[], present: boolean): void => {
    if (keys.length >= maxDepth || !isObjectLike(node)) return;
    // A nullable object may be null, and then nothing below it is there.
    const nullable = typesOf(node)?.includes('null') ?? false;
    const required = new Set(node.required ?? []);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = [...keys, key];
      const alwaysPresent = present && !nullable && required.has(key);
      out.push({ pointer: fromTokens(path), keys: path, schema: child, alwaysPresent });
      walk(child, path, alwaysPresent);
    }
  };
  walk(payload, [], true);
  return out;
}

/** A name without its case style: `patientId`, `patient_id`, `Patient-ID` all read `patientid`. */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The rank of `path` as a source of `field` (lower is better), or null when its name does not match. */
function rankOf(field: string, path: PayloadPath): number | null {
  const last = path.keys[path.keys.length - 1] ?? '';
  const top = path.keys.length === 1;
  if (top && last === field) return 0;
  if (top && looseName(last) === looseName(field)) return 1;
  if (!top && (last === field || looseName(last) === looseName(field))) return 2;
  if (!top && looseName(path.keys.join('')) === looseName(field)) return 3;
  return null;
}

const MATCHES: readonly MatchKind[] = ['same-name', 'same-name-other-case', 'nested-same-name', 'nested-joined-name'];

/** The input fields of a workflow's contract, in its order: declared ones, then required-only ones. */
export function inputFieldsOf(input: JsonSchema): { field: string; schema: JsonSchema; required: boolean }[] {
  const required = new Set(input.required ?? []);
  const rest = typeof input.additionalProperties === 'object' ? input.additionalProperties : {};
  const declared = Object.entries(input.properties ?? {}).map(([field, schema]) => ({ field, schema, required: required.has(field) }));
  const named = new Set(declared.map((d) => d.field));
  const undeclared = [...required].filter((f) => !named.has(f)).map((field) => ({ field, schema: rest, required: true }));
  return [...declared, ...undeclared];
}

/** Would the API accept `pointer` as the source of this one field? (The API's own rule.) */
function accepts(field: string, schema: JsonSchema, required: boolean, payload: JsonSchema, pointer: string): boolean {
  const single: JsonSchema = { type: 'object', properties: { [field]: schema }, ...(required ? { required: [field] } : {}) };
  return classifyTrigger(single, payload, { [field]: pointer }).class === 'B';
}

/** The proposed mapping of `input`'s fields from paths of `payload`. */
export function proposeMapping(input: JsonSchema, payload: JsonSchema): MappingProposal {
  const paths = payloadPaths(payload);
  const fields: ProposedField[] = [];
  const mapping: Record<string, string> = {};
  for (const { field, schema, required } of inputFieldsOf(input)) {
    const candidates = paths
      .map((path, order) => ({ path, order, rank: rankOf(field, path) }))
      .filter((c): c is { path: PayloadPath; order: number; rank: number } => c.rank !== null)
      .sort((a, b) => a.rank - b.rank || a.path.keys.length - b.path.keys.length || a.order - b.order);
    const chosen = candidates.find((c) => accepts(field, schema, required, payload, c.path.pointer));
    if (chosen === undefined) {
      fields.push({ field, required, pointer: null, match: null });
      continue;
    }
    fields.push({ field, required, pointer: chosen.path.pointer, match: MATCHES[chosen.rank] ?? null });
    Object.defineProperty(mapping, field, { value: chosen.path.pointer, enumerable: true, writable: true, configurable: true });
  }
  return { fields, mapping };
}
