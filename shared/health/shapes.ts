/**
 * Shape summaries (README, "Schema drift"): which JSON paths, of which types, the accepted events of
 * a webhook had in an hour — never a value, and never a key that is data. Pure and synchronous: the
 * consumer calls it on a sample of each batch, off the request path, and sends the result to the
 * project's health object (`observeAccepted`), which keeps it (./drift-store.ts).
 *
 * Paths are JSON Pointers with one `*` segment where the key is not a field name:
 *  - every item of an array: `/entries/*\/code`;
 *  - every key of an object that looks like a map: more than `maxMapKeys` (50) distinct keys at
 *    one path across the summary's events of a webhook, or a key that looks like data (a number,
 *    a uuid, a date, a long hex or prefixed id, an email, six digits or more, more than 64
 *    characters). Such keys are dropped as they are read, so none reaches the output.
 *
 * Each (path, type) counts at most once per event; `integer` and `number` are told apart as the
 * validator tells them (an integral number is `integer`). The work per event is bounded, and what
 * lies past a bound is simply not described (the summary is evidence, not a schema):
 *  - depth: paths of at most `maxDepth` (32) segments; values deeper are not walked;
 *  - `maxPathsPerEvent` (2,000) distinct paths per event; further paths of that event are dropped;
 *  - `maxValuesPerEvent` (20,000) values visited per event (a long array is read from its start);
 *  - JSON text longer than `maxJsonChars` (256 KiB) is counted as seen but not summarised.
 * (A literal key `*` reads as a collapsed one: JSON Pointer has no escape for it.)
 */
import { escape, unescape } from '../schema/json-pointer';
import { jsonTypeOf } from './json-type';
import { JSON_TYPES, type JsonType, type ShapeObservation } from './types';

/** The consumer's sample: at most this many events per webhook per batch are summarised. */
export const SHAPE_SAMPLE_PER_WEBHOOK = 20;

export const SHAPE_LIMITS = {
  MAX_DEPTH: 32,
  MAX_PATHS_PER_EVENT: 2_000,
  MAX_VALUES_PER_EVENT: 20_000,
  MAX_MAP_KEYS: 50,
  MAX_JSON_CHARS: 256 * 1024,
  /** Longer keys are free text, not field names. */
  MAX_FIELD_NAME_LENGTH: 64,
} as const;

const HOUR_MS = 3_600_000;

/** One accepted event to summarise: its webhook, when it was received, its payload as JSON text. */
export interface ShapeInput {
  webhookId: string;
  /** ISO-8601; the summary's hour is taken from it. */
  receivedAt: string;
  json: string;
}

/** An event the consumer saw, summarised or not. */
export interface SeenEvent {
  webhookId: string;
  receivedAt: string;
}

export interface ShapeOptions {
  /**
   * Every event of the batch, the summarised ones among them, so each observation says how many
   * it summarised of how many it saw. Default: the inputs themselves.
   */
  seen?: readonly SeenEvent[];
  maxDepth?: number;
  maxPathsPerEvent?: number;
  maxValuesPerEvent?: number;
  maxMapKeys?: number;
  maxJsonChars?: number;
}

/**
 * The events to summarise from a batch: at most `perWebhook` of each webhook, in batch order. Its
 * events are cut into `perWebhook` equal runs and one is drawn at random from each: spread over
 * the batch (a batch spanning two hours is sampled in both), and unbiased when senders alternate
 * (every 5th event of a sender whose events come in a repeating pattern would see one phase only).
 */
export function sampleForShapes<T>(items: readonly T[], perWebhook: number, webhookOf: (item: T) => string, random: () => number = Math.random): T[] {
  const positions = new Map<string, number[]>();
  items.forEach((item, index) => {
    const webhookId = webhookOf(item);
    const list = positions.get(webhookId);
    if (list === undefined) positions.set(webhookId, [index]);
    else list.push(index);
  });
  const picked = new Set<number>();
  const take = Math.max(0, Math.floor(perWebhook));
  for (const list of positions.values()) {
    if (list.length <= take) {
      for (const index of list) picked.add(index);
      continue;
    }
    for (let k = 0; k < take; k++) {
      const from = Math.floor((k * list.length) / take);
      const to = Math.floor(((k + 1) * list.length) / take);
      const index = list[from + Math.min(to - from - 1, Math.floor(random() * (to - from)))];
      if (index !== undefined) picked.add(index);
    }
  }
  return items.filter((_, index) => picked.has(index));
}

const DATA_KEY_PATTERNS: readonly RegExp[] = [
  // numbers
  /^[-+]?\d+(?:\.\d+)?$/,
  // uuids
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  // dates and times
  /^\d{4}-\d{2}(?:-\d{2})?(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i,
  // hashes and hex ids (a Mongo ObjectId is 24)
  /^[0-9a-f]{16,}$/i,
  // prefixed ids (cus_9Xa81b…, wh_01j…): a short word, then a run holding a digit
  /^[A-Za-z]{1,12}[_-](?=[A-Za-z0-9]*\d)[A-Za-z0-9]{6,}$/,
  // emails
  /^[^@\s]+@[^@\s]+$/,
];

function digitCount(key: string): number {
  let digits = 0;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits;
}

/**
 * Whether an object key looks like data rather than a field name: a summary never keeps it, and
 * the object it is a key of reads as a map. Six digits or more catches phone numbers, record
 * numbers and ULIDs that no pattern names.
 */
export function isDataKey(key: string): boolean {
  if (key.length > SHAPE_LIMITS.MAX_FIELD_NAME_LENGTH) return true;
  if (digitCount(key) >= 6) return true;
  return DATA_KEY_PATTERNS.some((pattern) => pattern.test(key));
}

/**
 * A JSON Pointer with every data-like key (`isDataKey`) replaced by `*`: how a refused path is kept
 * beside the shapes, under the same rule, so no key that is data is stored either way.
 */
export function collapseDataKeys(pointer: string): string {
  if (pointer === '') return pointer;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (token === '*') return token;
      const key = unescape(token);
      return isDataKey(key) ? '*' : token;
    })
    .map((token) => `/${token}`)
    .join('');
}

const TYPE_BIT: Readonly<Record<JsonType, number>> = Object.fromEntries(JSON_TYPES.map((t, i) => [t, 1 << i])) as Record<JsonType, number>;

interface Group {
  webhookId: string;
  hour: number;
  seen: number;
  summarised: number;
}

/**
 * One path of one webhook's payloads. The first pass grows the tree from the keys seen; `keys`
 * becomes null once the path reads as a map, and every key then goes to `star`, where array items
 * go too. The second pass counts, per group (hour), in how many events each node had each type.
 */
interface KeyNode {
  /** The JSON Pointer this node stands for, built once when the node is. */
  path: string;
  keys: Map<string, KeyNode> | null;
  star: KeyNode | undefined;
  /** The event being counted that last reached this node, and the types it had here. */
  event: number;
  mask: number;
  /** Per group, events per type (indexed as JSON_TYPES). */
  counts: Map<Group, number[]>;
}

function keyNode(path: string): KeyNode {
  return { path, keys: new Map(), star: undefined, event: -1, mask: 0, counts: new Map() };
}

function starOf(node: KeyNode): KeyNode {
  node.star ??= keyNode(`${node.path}/*`);
  return node.star;
}

/** Folds `from` (a subtree read under one key) into `into` (the map's `*`): a union of keys. */
function merge(into: KeyNode, from: KeyNode, maxMapKeys: number): void {
  if (from.star !== undefined) merge(starOf(into), from.star, maxMapKeys);
  if (from.keys === null) {
    collapse(into, maxMapKeys);
    return;
  }
  for (const [key, child] of from.keys) merge(childFor(into, key, maxMapKeys), child, maxMapKeys);
}

function collapse(node: KeyNode, maxMapKeys: number): void {
  const keys = node.keys;
  if (keys === null) return;
  node.keys = null;
  const star = starOf(node);
  for (const child of keys.values()) merge(star, child, maxMapKeys);
}

/** The node a key of an object at `node` leads to, collapsing `node` when it has too many keys. */
function childFor(node: KeyNode, key: string, maxMapKeys: number): KeyNode {
  if (node.keys === null) return starOf(node);
  let child = node.keys.get(key);
  if (child !== undefined) return child;
  child = keyNode(`${node.path}/${escape(key)}`);
  node.keys.set(key, child);
  if (node.keys.size > maxMapKeys) {
    collapse(node, maxMapKeys);
    return starOf(node);
  }
  return child;
}

interface Limits {
  maxDepth: number;
  maxPathsPerEvent: number;
  maxValuesPerEvent: number;
  maxMapKeys: number;
}

/** A cache of `isDataKey`: the same keys recur in every event of a webhook. */
class DataKeys {
  readonly #known = new Map<string, boolean>();

  test(key: string): boolean {
    let answer = this.#known.get(key);
    if (answer === undefined) {
      answer = isDataKey(key);
      // Bounded: a map's data keys are each new, and each is needed only once.
      if (this.#known.size < 10_000) this.#known.set(key, answer);
    }
    return answer;
  }
}

/** The node a key leads to: `*` for a map or a data-like key. */
function nodeForKey(node: KeyNode, key: string, limits: Limits, dataKeys: DataKeys): KeyNode {
  if (node.keys === null || dataKeys.test(key)) return starOf(node);
  return node.keys.get(key) ?? childFor(node, key, limits.maxMapKeys);
}

/** First pass: the keys of one event, into its webhook's tree. */
function learnKeys(value: unknown, node: KeyNode, depth: number, limits: Limits, dataKeys: DataKeys, budget: { values: number }): void {
  if (depth >= limits.maxDepth || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const star = starOf(node);
    for (const item of value) {
      if (--budget.values < 0) return;
      learnKeys(item, star, depth + 1, limits, dataKeys, budget);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  // JSON.parse makes plain objects: every enumerable key is an own one.
  for (const key in record) {
    if (--budget.values < 0) return;
    learnKeys(record[key], nodeForKey(node, key, limits, dataKeys), depth + 1, limits, dataKeys, budget);
  }
}

interface EventScratch {
  event: number;
  touched: KeyNode[];
  values: number;
}

/** Notes the type a value has at `node` in this event; false when the event has no room for another path. */
function note(node: KeyNode, value: unknown, scratch: EventScratch, maxPaths: number): boolean {
  const bit = TYPE_BIT[jsonTypeOf(value)];
  if (node.event === scratch.event) {
    node.mask |= bit;
    return true;
  }
  if (scratch.touched.length >= maxPaths) return false;
  node.event = scratch.event;
  node.mask = bit;
  scratch.touched.push(node);
  return true;
}

/** Second pass: the (path, types) of one event, named by the finished tree. */
function recordPaths(value: unknown, node: KeyNode, depth: number, limits: Limits, dataKeys: DataKeys, scratch: EventScratch): void {
  if (depth >= limits.maxDepth || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const star = starOf(node);
    for (const item of value) {
      if (--scratch.values < 0) return;
      if (note(star, item, scratch, limits.maxPathsPerEvent)) recordPaths(item, star, depth + 1, limits, dataKeys, scratch);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (--scratch.values < 0) return;
    const child = nodeForKey(node, key, limits, dataKeys);
    const item = record[key];
    if (note(child, item, scratch, limits.maxPathsPerEvent)) recordPaths(item, child, depth + 1, limits, dataKeys, scratch);
  }
}

/** Every node of a tree that counted something, each with its counts. */
function countedNodes(root: KeyNode, out: KeyNode[] = []): KeyNode[] {
  if (root.counts.size > 0) out.push(root);
  if (root.keys !== null) for (const child of root.keys.values()) countedNodes(child, out);
  if (root.star !== undefined) countedNodes(root.star, out);
  return out;
}

function hourOf(receivedAt: string): number | null {
  const at = Date.parse(receivedAt);
  return Number.isFinite(at) ? Math.floor(at / HOUR_MS) : null;
}

/**
 * Summarises accepted events into one observation per (webhook, epoch hour): the paths and types
 * seen, each with the number of summarised events it appeared in (see the module comment for the
 * naming and the bounds). Output order is stable: groups as first met, paths sorted, types in
 * JSON_TYPES order. An event whose JSON does not parse, or is too long, is seen but not summarised.
 */
export function summariseShapes(inputs: readonly ShapeInput[], options: ShapeOptions = {}): ShapeObservation[] {
  const limits: Limits = {
    maxDepth: options.maxDepth ?? SHAPE_LIMITS.MAX_DEPTH,
    maxPathsPerEvent: options.maxPathsPerEvent ?? SHAPE_LIMITS.MAX_PATHS_PER_EVENT,
    maxValuesPerEvent: options.maxValuesPerEvent ?? SHAPE_LIMITS.MAX_VALUES_PER_EVENT,
    maxMapKeys: options.maxMapKeys ?? SHAPE_LIMITS.MAX_MAP_KEYS,
  };
  const maxJsonChars = options.maxJsonChars ?? SHAPE_LIMITS.MAX_JSON_CHARS;
  const groups = new Map<string, Group>();
  const groupOf = (webhookId: string, hour: number): Group => {
    const key = `${hour}:${webhookId}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { webhookId, hour, seen: 0, summarised: 0 };
      groups.set(key, group);
    }
    return group;
  };

  const parsed: { group: Group; value: unknown }[] = [];
  for (const input of inputs) {
    const hour = hourOf(input.receivedAt);
    if (hour === null) continue;
    const group = groupOf(input.webhookId, hour);
    if (options.seen === undefined) group.seen++;
    if (input.json.length > maxJsonChars) continue;
    try {
      parsed.push({ group, value: JSON.parse(input.json) as unknown });
    } catch {
      // Accepted events were validated as JSON; one that is not is simply not described.
    }
  }
  for (const event of options.seen ?? []) {
    const hour = hourOf(event.receivedAt);
    if (hour !== null) groupOf(event.webhookId, hour).seen++;
  }

  // Map-likeness is a property of a webhook's payloads, whatever the hour.
  const trees = new Map<string, KeyNode>();
  const dataKeys = new DataKeys();
  const treeOf = (webhookId: string): KeyNode => {
    let tree = trees.get(webhookId);
    if (tree === undefined) {
      tree = keyNode('');
      trees.set(webhookId, tree);
    }
    return tree;
  };
  for (const { group, value } of parsed) learnKeys(value, treeOf(group.webhookId), 0, limits, dataKeys, { values: limits.maxValuesPerEvent });

  const scratch: EventScratch = { event: 0, touched: [], values: 0 };
  for (const [index, { group, value }] of parsed.entries()) {
    scratch.event = index;
    scratch.touched.length = 0;
    scratch.values = limits.maxValuesPerEvent;
    recordPaths(value, treeOf(group.webhookId), 0, limits, dataKeys, scratch);
    group.summarised++;
    for (const node of scratch.touched) {
      let counts = node.counts.get(group);
      if (counts === undefined) {
        counts = JSON_TYPES.map(() => 0);
        node.counts.set(group, counts);
      }
      for (let i = 0; i < JSON_TYPES.length; i++) if ((node.mask & (1 << i)) !== 0) counts[i] = (counts[i] ?? 0) + 1;
    }
  }

  const paths = new Map<Group, ShapeObservation['paths']>();
  for (const tree of trees.values()) {
    for (const node of countedNodes(tree)) {
      for (const [group, counts] of node.counts) {
        let list = paths.get(group);
        if (list === undefined) {
          list = [];
          paths.set(group, list);
        }
        JSON_TYPES.forEach((type, i) => {
          const count = counts[i] ?? 0;
          if (count > 0) list.push({ path: node.path, type, count });
        });
      }
    }
  }
  const typeOrder = (type: JsonType) => JSON_TYPES.indexOf(type);
  return [...groups.values()].map((group) => ({
    webhookId: group.webhookId,
    hour: group.hour,
    // A caller's `seen` that misses some summarised events still never reads as fewer.
    eventsSeen: Math.max(group.seen, group.summarised),
    eventsSummarised: group.summarised,
    paths: (paths.get(group) ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : typeOrder(a.type) - typeOrder(b.type))),
  }));
}
