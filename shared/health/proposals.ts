/**
 * Schema-drift proposals (README, "Schema drift"): from a webhook's evidence over the last 24 hours
 * (./drift-store.ts keeps it) and its schema today, the change to propose, if any. Pure: the health
 * object calls it with what it read, the tests with what they build.
 *
 * Two kinds of evidence, two kinds of change, and each change only ever widens what the edge accepts
 * at the place it names, with one deliberate exception (a new property declares a type):
 *  - **accepted events with a path the schema does not declare** (under an open object: a closed one
 *    refuses such events, which then arrive as refusals) in at least 10 % of the events summarised,
 *    from at least 5 of them, or in an estimated 50 events or more: `add-property`, optional, with
 *    every type seen there (integer and number together read as number, as inference does) and the
 *    paths seen below it as its own optional properties and items. A map (a `*` key under an
 *    object) is never named as a property: it stays open.
 *  - **content refusals concentrated on one path with one consistent type** (at least 5, and at
 *    least 90 % of them the same type): `widen-type` where the schema declares the path with other
 *    types (dropping an `enum` or `const` with no value of the new type, which would refuse it
 *    next), `make-optional` where a required field was missing, `add-property` where a closed
 *    object does not list the field.
 * A change whose (path, type) was dismissed before is never proposed again. At most 50 changes, the
 * best evidenced first; the schema proposed must pass the same gate as every stored schema
 * (`checkEnforceable`), else nothing is proposed.
 *
 * Paths are the shapes' JSON Pointers (./shapes.ts): `*` is every item of an array or every key of
 * a map. The wire shapes of a proposal are declared here, once, for the API, the console and `hasp`.
 */
import { parse, unescape } from '../schema/json-pointer';
import { checkEnforceable, JSON_TYPES as SCHEMA_TYPE_ORDER, typesOf, type JsonPrimitive, type JsonSchema } from '../schema/json-schema';
import type { JsonType } from './types';

export const PROPOSAL_STATES = ['open', 'applied', 'dismissed', 'superseded'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** The hours of evidence a proposal is made from. */
export const EVIDENCE_WINDOW_HOURS = 24;

export interface ProposalThresholds {
  /** Share of summarised events that must carry an undeclared path… */
  minShare: number;
  /** …from at least this many summarised events, */
  minSummarised: number;
  /** …or this many events (estimated from the sample) whatever the share. */
  minEvents: number;
  /** Refusals at one path before its type is looked at. */
  minRefusals: number;
  /** Share of those refusals that must have the same type. */
  minConsistency: number;
  maxChanges: number;
}

export const PROPOSAL_THRESHOLDS: ProposalThresholds = {
  minShare: 0.1,
  minSummarised: 5,
  minEvents: 50,
  minRefusals: 5,
  minConsistency: 0.9,
  maxChanges: 50,
};

/** One change of a proposal, at a payload path. */
export type ProposalChange =
  | { op: 'add-property'; path: string; to: JsonSchema }
  | { op: 'widen-type'; path: string; from: JsonType[]; to: JsonType[]; dropped?: ('enum' | 'const')[] }
  | { op: 'make-optional'; path: string; from: 'required'; to: 'optional' };

/**
 * What a change rests on: accepted events that had the path with that type (`share` of the events
 * summarised), or refusals that failed there with that type (`share` of the refusals at the path).
 */
export interface ProposalEvidence {
  source: 'accepted' | 'refused';
  path: string;
  /** The value's type, or `missing` for a required field that was absent. */
  type: JsonType | 'missing';
  count: number;
  share: number;
  first_seen_at: string;
  last_seen_at: string;
}

/** The evidence window a proposal was made from. */
export interface EvidenceWindow {
  hours: number;
  events_seen: number;
  events_summarised: number;
  refusals: number;
}

/** A workflow whose trigger contract the proposed schema would break (the 409's `workflows` entry). */
export interface ProposalBreak {
  id: string;
  name: string;
  unmet: { field: string; reason: string }[];
}

/** A proposal as the health object keeps it. */
export interface StoredProposal {
  id: string;
  webhook_id: string;
  state: ProposalState;
  /** SHA-256 (hex) of the schema the proposal was made against: another schema supersedes it. */
  base_schema_hash: string;
  /** The full schema proposed. */
  schema: JsonSchema;
  diff: ProposalChange[];
  evidence: ProposalEvidence[];
  window: EvidenceWindow;
  created_at: string;
  updated_at: string;
  /** When it was applied, dismissed or superseded. */
  closed_at: string | null;
}

/** `GET /v1/webhooks/{id}/schema-proposals/{proposal_id}` and each list item. */
export interface SchemaProposalView extends StoredProposal {
  /** Open proposals only (others are []): the workflows applying it would break, as a PATCH would refuse them. */
  breaks: ProposalBreak[];
}

/** `POST …/{proposal_id}/apply`. The webhook view's type lives in shared/control/responses.ts. */
export interface AppliedProposal<W = unknown> {
  proposal: SchemaProposalView;
  webhook: W;
}

/** One (path, type) of the evidence, summed over the window. */
export interface PathEvidence<T extends string = JsonType> {
  path: string;
  type: T;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface DriftEvidence {
  eventsSeen: number;
  eventsSummarised: number;
  shapes: readonly PathEvidence[];
  refusals: readonly PathEvidence<JsonType | 'missing'>[];
}

/** A (path, type) a person dismissed: never proposed again. */
export interface Dismissal {
  path: string;
  type: JsonType | 'missing';
}

export interface ProposedChange {
  schema: JsonSchema;
  diff: ProposalChange[];
  evidence: ProposalEvidence[];
}

// --- where a path falls in a schema ----------------------------------------------------------

type Place =
  | { kind: 'node'; node: JsonSchema }
  /** Under a node that accepts any value: everything there is declared. */
  | { kind: 'any' }
  /** `tokens[index]` is a key the open object `parent` does not declare. */
  | { kind: 'undeclared'; index: number; parent: JsonSchema }
  /** `tokens[index]` is a key the closed object `parent` does not list. */
  | { kind: 'closed'; index: number; parent: JsonSchema }
  /** A map's keys, or a place the schema gives another type: nothing to propose there. */
  | { kind: 'elsewhere' };

function own(record: Record<string, JsonSchema> | undefined, key: string): JsonSchema | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function acceptsAny(node: JsonSchema): boolean {
  return typesOf(node) === undefined && node.properties === undefined && node.items === undefined && node.additionalProperties === undefined;
}

function mayBe(node: JsonSchema, type: 'object' | 'array'): boolean {
  const types = typesOf(node);
  if (types === undefined) return type === 'object' ? node.items === undefined : node.items !== undefined;
  return types.includes(type);
}

/** Where `tokens` lead in `root`; a `*` goes into an array's items, or is a map's key. */
function locate(root: JsonSchema, tokens: readonly string[]): Place {
  let node = root;
  for (const [index, token] of tokens.entries()) {
    if (acceptsAny(node)) return { kind: 'any' };
    if (token === '*' && mayBe(node, 'array')) {
      if (node.items === undefined) return { kind: 'any' };
      node = node.items;
      continue;
    }
    if (!mayBe(node, 'object')) return { kind: 'elsewhere' };
    const property = token === '*' ? undefined : own(node.properties, token);
    if (property !== undefined) {
      node = property;
      continue;
    }
    const rest = node.additionalProperties;
    if (typeof rest === 'object') {
      node = rest;
      continue;
    }
    if (token === '*') return { kind: 'elsewhere' };
    return rest === false ? { kind: 'closed', index, parent: node } : { kind: 'undeclared', index, parent: node };
  }
  return { kind: 'node', node };
}

/** Whether a node of `types` accepts a value of `type` (an integer is a number), as the validator decides. */
function accepts(types: readonly JsonType[], type: JsonType): boolean {
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

/** `types` accepting `type` too; `number` takes the place of `integer`, which it includes. */
function widened(types: readonly JsonType[], type: JsonType): JsonType[] {
  const kept = types.filter((t) => !(type === 'number' && t === 'integer'));
  return kept.includes(type) ? kept : [...kept, type];
}

function typeField(types: readonly JsonType[]): JsonType | JsonType[] {
  const [only] = types;
  return types.length === 1 && only !== undefined ? only : [...types];
}

function valueType(value: JsonPrimitive): JsonType {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'string' ? 'string' : 'boolean';
}

/** Sets a property, as a property even when it is named `__proto__`. */
function defineProperty(node: JsonSchema, key: string, value: JsonSchema): void {
  node.properties ??= {};
  Object.defineProperty(node.properties, key, { value, enumerable: true, writable: true, configurable: true });
}

function ordered(types: Iterable<JsonType>): JsonType[] {
  const set = new Set(types);
  // Integers and fractions at one place read as number, and types in the order inference writes them.
  if (set.has('number')) set.delete('integer');
  return SCHEMA_TYPE_ORDER.filter((t) => set.has(t));
}

function lastToken(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function depthOf(path: string): number {
  let depth = 0;
  for (const c of path) if (c === '/') depth++;
  return depth;
}

// --- the proposal ------------------------------------------------------------------------------

interface Candidate {
  change: ProposalChange;
  strength: number;
  evidence: ProposalEvidence[];
  /** Applies the change to the copy; false when the copy has no place for it. */
  apply: (copy: JsonSchema) => boolean;
}

function dismissalKey(path: string, type: string): string {
  return `${type} ${path}`;
}

/** The (path, type) pairs a change stands for: what dismissing it rules out. */
export function dismissalsOf(diff: readonly ProposalChange[]): Dismissal[] {
  return diff.flatMap((change): Dismissal[] => {
    switch (change.op) {
      case 'add-property':
        return (typesOf(change.to) ?? []).map((type) => ({ path: change.path, type }));
      case 'widen-type':
        return change.to.filter((type) => !change.from.includes(type)).map((type) => ({ path: change.path, type }));
      case 'make-optional':
        return [{ path: change.path, type: 'missing' }];
    }
  });
}

/** Observed types per path and the paths below each, for writing out a new property. */
class ShapeIndex {
  readonly types = new Map<string, Map<JsonType, PathEvidence>>();
  readonly children = new Map<string, string[]>();

  constructor(shapes: readonly PathEvidence[]) {
    for (const row of shapes) {
      let byType = this.types.get(row.path);
      if (byType === undefined) {
        byType = new Map();
        this.types.set(row.path, byType);
        const parent = parentPath(row.path);
        const siblings = this.children.get(parent);
        if (siblings === undefined) this.children.set(parent, [row.path]);
        else siblings.push(row.path);
      }
      const known = byType.get(row.type);
      byType.set(row.type, known === undefined ? row : { ...known, count: known.count + row.count });
    }
  }

  /** The schema of a path not declared yet: its types, and what was seen below it (all optional). */
  schemaOf(path: string, depth = 0): JsonSchema {
    const types = ordered(this.types.get(path)?.keys() ?? []);
    const schema: JsonSchema = types.length === 0 ? {} : { type: typeField(types) };
    // The summaries go no deeper than the edge's schemas may; this only guards a hand-made index.
    if (depth >= 32) return {};
    const below = [...(this.children.get(path) ?? [])].sort();
    if (types.includes('object')) {
      for (const child of below) {
        const key = lastToken(child);
        if (key === '*') continue;
        defineProperty(schema, unescape(key), this.schemaOf(child, depth + 1));
      }
    }
    if (types.includes('array') && this.types.has(`${path}/*`)) schema.items = this.schemaOf(`${path}/*`, depth + 1);
    return schema;
  }
}

function undeclaredPaths(schema: JsonSchema, evidence: DriftEvidence, index: ShapeIndex, dismissed: ReadonlySet<string>, thresholds: ProposalThresholds): Candidate[] {
  const candidates: Candidate[] = [];
  const summarised = evidence.eventsSummarised;
  if (summarised <= 0) return candidates;
  for (const [path, byType] of index.types) {
    const tokens = parse(path);
    if (tokens === null || tokens.length === 0) continue;
    const place = locate(schema, tokens);
    // Only the outermost undeclared path is proposed; what is below it is part of its schema.
    if (place.kind !== 'undeclared' || place.index !== tokens.length - 1) continue;
    const rows = [...byType.values()];
    const count = Math.min(
      summarised,
      rows.reduce((sum, row) => sum + row.count, 0),
    );
    const share = count / summarised;
    const estimated = (count * Math.max(evidence.eventsSeen, summarised)) / summarised;
    const qualifies = (share >= thresholds.minShare && count >= thresholds.minSummarised) || estimated >= thresholds.minEvents;
    if (!qualifies || rows.some((row) => dismissed.has(dismissalKey(path, row.type)))) continue;
    const to = index.schemaOf(path);
    const parentTokens = tokens.slice(0, -1);
    const key = tokens[tokens.length - 1] ?? '';
    candidates.push({
      change: { op: 'add-property', path, to },
      strength: count,
      evidence: rows.map((row) => ({
        source: 'accepted',
        path,
        type: row.type,
        count: row.count,
        share: row.count / summarised,
        first_seen_at: row.firstSeenAt,
        last_seen_at: row.lastSeenAt,
      })),
      apply: (copy) => {
        const parent = locate(copy, parentTokens);
        if (parent.kind !== 'node' || own(parent.node.properties, key) !== undefined) return false;
        defineProperty(parent.node, key, structuredClone(to));
        return true;
      },
    });
  }
  return candidates;
}

function concentratedRefusals(schema: JsonSchema, evidence: DriftEvidence, dismissed: ReadonlySet<string>, thresholds: ProposalThresholds): Candidate[] {
  const byPath = new Map<string, PathEvidence<JsonType | 'missing'>[]>();
  for (const row of evidence.refusals) {
    const list = byPath.get(row.path);
    if (list === undefined) byPath.set(row.path, [row]);
    else list.push(row);
  }
  const candidates: Candidate[] = [];
  for (const [path, rows] of byPath) {
    const total = rows.reduce((sum, row) => sum + row.count, 0);
    const top = rows.reduce((best, row) => (row.count > best.count ? row : best));
    if (total < thresholds.minRefusals || top.count / total < thresholds.minConsistency) continue;
    if (dismissed.has(dismissalKey(path, top.type))) continue;
    const tokens = parse(path);
    if (tokens === null || tokens.length === 0) continue;
    const evidenceRow: ProposalEvidence = {
      source: 'refused',
      path,
      type: top.type,
      count: top.count,
      share: top.count / total,
      first_seen_at: top.firstSeenAt,
      last_seen_at: top.lastSeenAt,
    };
    const key = tokens[tokens.length - 1] ?? '';
    const parentTokens = tokens.slice(0, -1);
    const type = top.type;

    if (type === 'missing') {
      const parent = locate(schema, parentTokens);
      if (key === '*' || parent.kind !== 'node' || !(parent.node.required ?? []).includes(key)) continue;
      candidates.push({
        change: { op: 'make-optional', path, from: 'required', to: 'optional' },
        strength: top.count,
        evidence: [evidenceRow],
        apply: (copy) => {
          const at = locate(copy, parentTokens);
          if (at.kind !== 'node' || at.node.required === undefined) return false;
          at.node.required = at.node.required.filter((r) => r !== key);
          if (at.node.required.length === 0) delete at.node.required;
          return true;
        },
      });
      continue;
    }

    const place = locate(schema, tokens);
    if (place.kind === 'node') {
      const from = typesOf(place.node);
      if (from === undefined || accepts(from, type)) continue;
      const to = widened(from, type);
      const values = place.node.enum ?? (place.node.const === undefined ? undefined : [place.node.const]);
      const dropValues = values !== undefined && !values.some((value) => valueType(value) === type);
      const change: ProposalChange = { op: 'widen-type', path, from: [...from], to };
      if (dropValues) change.dropped = [place.node.enum !== undefined ? 'enum' : 'const'];
      candidates.push({
        change,
        strength: top.count,
        evidence: [evidenceRow],
        apply: (copy) => {
          const at = locate(copy, tokens);
          if (at.kind !== 'node') return false;
          at.node.type = typeField(to);
          if (dropValues) {
            delete at.node.enum;
            delete at.node.const;
          }
          return true;
        },
      });
    } else if (place.kind === 'closed' && place.index === tokens.length - 1) {
      const to: JsonSchema = { type };
      candidates.push({
        change: { op: 'add-property', path, to },
        strength: top.count,
        evidence: [evidenceRow],
        apply: (copy) => {
          const parent = locate(copy, parentTokens);
          if (parent.kind !== 'node' || own(parent.node.properties, key) !== undefined) return false;
          defineProperty(parent.node, key, { ...to });
          return true;
        },
      });
    }
  }
  return candidates;
}

/**
 * The schema change the evidence calls for, or null when it calls for none (or only for changes
 * dismissed before). `schema` is left as it is; the proposal carries a changed copy.
 */
export function proposeSchemaChange(
  schema: JsonSchema,
  evidence: DriftEvidence,
  dismissed: readonly Dismissal[] = [],
  thresholds: ProposalThresholds = PROPOSAL_THRESHOLDS,
): ProposedChange | null {
  const ruledOut = new Set(dismissed.map((d) => dismissalKey(d.path, d.type)));
  const candidates = [...undeclaredPaths(schema, evidence, new ShapeIndex(evidence.shapes), ruledOut, thresholds), ...concentratedRefusals(schema, evidence, ruledOut, thresholds)]
    .sort((a, b) => b.strength - a.strength || a.change.path.localeCompare(b.change.path))
    .slice(0, thresholds.maxChanges)
    // Parents before children, so a change below another's place finds it.
    .sort((a, b) => depthOf(a.change.path) - depthOf(b.change.path) || (a.change.path < b.change.path ? -1 : a.change.path > b.change.path ? 1 : 0));
  const copy = structuredClone(schema);
  const applied = candidates.filter((candidate) => candidate.apply(copy));
  if (applied.length === 0) return null;
  const checked = checkEnforceable(copy);
  if (!checked.ok) return null;
  return {
    schema: checked.schema,
    diff: applied.map((c) => c.change),
    evidence: applied.flatMap((c) => c.evidence),
  };
}

/** A payload path as a person reads it in a diff: `patient.address`, `entries[].code`. */
export function fieldOf(path: string): string {
  const tokens = parse(path) ?? [];
  let field = '';
  for (const token of tokens) {
    if (token === '*') field += '[]';
    else field += field === '' ? token : `.${token}`;
  }
  return field === '' ? '(payload)' : field;
}
