/**
 * A description of the inbound event → the webhook a careful engineer would propose: name, short
 * slug, auth, sample payload and its schema, and notes on everything guessed. Pure and
 * deterministic (no model, no clock, no I/O): the same text always drafts the same webhook, and no
 * text can make it throw. Whether the slug is free in the org is the caller's question.
 */
import { inferSchema, SchemaInferenceError, type JsonSchema } from '../schema';
import type { AuthConfig } from '../signatures/auth-config';
import { NONE_WARNING } from '../signatures/public-auth';
import { authFromText } from './auth-hints';
import { eventName, type EventParts } from './event-name';
import { jsonInText } from './json-in-text';
import { namedPresets } from './senders';
import { foldAccents, wordsOf } from './words';

export interface DraftInput {
  description: string;
  /** A sample the caller gives beside the text; it wins over JSON found in the text. */
  samplePayload?: Record<string, unknown> | readonly Record<string, unknown>[] | undefined;
}

export interface Draft {
  name: string;
  /** Derived from the event's name; the caller makes it free in the org. */
  slug: string;
  /**
   * Up to three other slugs a reviewer might prefer (the owner kept, another sender named, no
   * sender…), best first, each distinct from `slug` and within SLUG_BUDGET. When `slug` is taken in
   * the org, the first free one of these is proposed before a numeric suffix.
   */
  alternatives: string[];
  description: string;
  auth: AuthConfig;
  sample_payload: Record<string, unknown> | readonly Record<string, unknown>[] | null;
  schema: JsonSchema | null;
  notes: string[];
  /** What every view of the webhook would flag (auth none). */
  warnings: string[];
}

export interface DraftRefusal {
  /** Where in the request, and what to add. */
  path: string;
  message: string;
}

export type DraftOutcome = { ok: true; draft: Draft } | { ok: false; refusal: DraftRefusal };

const EXAMPLE = 'e.g. "Create a webhook so our EHR system can notify us when a patient\'s chart is updated."';
/** Slugs stay short enough to read in a URL; the first free suffix (`-2`) still fits SLUG_MAX. */
export const SLUG_BUDGET = 48;
const ALTERNATIVES_MAX = 3;
const NAME_MAX = 80;

function slugPart(text: string): string {
  return foldAccents(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `{sender}-{thing}-{what happened}` within the budget: the thing's first (least specific) words go
 * first, then the sender; a part is kept whole or left out, never cut mid-word or mid-phrase.
 */
export function slugOf(parts: EventParts): string {
  const sender = parts.sender === null ? null : slugPart(parts.sender);
  const things = parts.thing.map(slugPart).filter((p) => p !== '');
  const action = parts.action === null ? null : slugPart(parts.action);
  const join = (s: string | null, t: readonly string[]) => [s, ...t, action].filter((p): p is string => p !== null && p !== '').join('-');
  let kept = [...things];
  while (join(sender, kept).length > SLUG_BUDGET && kept.length > 1) kept = kept.slice(1);
  if (join(sender, kept).length <= SLUG_BUDGET) return join(sender, kept);
  if (join(null, kept).length <= SLUG_BUDGET) return join(null, kept);
  // One word longer than the budget: nothing whole fits, so it is cut.
  return join(null, kept).slice(0, SLUG_BUDGET).replace(/-+$/g, '');
}

/** The variants' slugs that could replace `slug`: valid, distinct, within the budget, best first. */
function alternativesOf(slug: string, variants: readonly EventParts[]): string[] {
  const out: string[] = [];
  for (const variant of variants) {
    const candidate = slugOf(variant);
    if (candidate === '' || candidate === slug || out.includes(candidate) || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(candidate)) continue;
    out.push(candidate);
    if (out.length === ALTERNATIVES_MAX) break;
  }
  return out;
}

/** The first line of the text, cut at a word near NAME_MAX: the name when no event could be named. */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (line.length <= NAME_MAX) return line;
  const cut = line.slice(0, NAME_MAX);
  const space = cut.lastIndexOf(' ');
  return `${space > NAME_MAX / 2 ? cut.slice(0, space) : cut}…`;
}

function sampleSchema(sample: Record<string, unknown> | readonly Record<string, unknown>[]): JsonSchema | SchemaInferenceError {
  try {
    return inferSchema(Array.isArray(sample) ? sample : [sample]);
  } catch (err) {
    if (err instanceof SchemaInferenceError) return err;
    throw err;
  }
}

export function draftWebhook(input: DraftInput): DraftOutcome {
  const description = input.description.trim();
  if (description === '') {
    return { ok: false, refusal: { path: '/description', message: `Describe the inbound event: who sends it and what happened, ${EXAMPLE}` } };
  }
  const notes: string[] = [];
  const found = jsonInText(description);
  const prose = found?.rest ?? description;
  const words = wordsOf(prose);
  const presets = namedPresets(words);
  // A short first line over more text is a title the person chose: it names the webhook.
  const lines = prose.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const title = lines.length > 1 && (lines[0]?.length ?? 0) <= NAME_MAX && !/[.!?]$/.test(lines[0] ?? '') ? lines[0] : undefined;
  const titled = title === undefined ? null : eventName(title, presets);
  const named = titled ?? eventName(prose, presets);

  let name: string;
  let slug: string;
  let alternatives: string[] = [];
  if (named !== null) {
    name = titled !== null && title !== undefined ? title : named.display;
    slug = slugOf(named);
    alternatives = alternativesOf(slug, named.variants);
    const parts = [named.sender === null ? null : `sender "${named.sender}"`, named.thing.length > 0 ? `thing "${named.thing.join(' ')}"` : null, named.action === null ? null : `what happened "${named.action}"`];
    notes.push(`Name and slug from the description (${parts.filter((p) => p !== null).join(', ')}); change them if your team calls it otherwise.`);
  } else if (/\p{L}/u.test(prose) && !/[A-Za-z]/.test(foldAccents(prose))) {
    // Text in a script with no Latin letters: usable as the name, not as a URL slug.
    name = firstLine(prose);
    slug = 'webhook';
    notes.push('The description has no Latin letters to build a URL slug from: "webhook" is a placeholder; choose a slug.');
  } else {
    return {
      ok: false,
      refusal: {
        path: '/description',
        message: `The description does not say which events to receive. Name the sender and what happens, ${EXAMPLE}`,
      },
    };
  }

  const hint = authFromText(prose, presets);
  notes.push(...hint.notes);

  let sample: Draft['sample_payload'] = null;
  let schema: JsonSchema | null = null;
  if (input.samplePayload !== undefined) {
    const inferred = sampleSchema(input.samplePayload);
    if (inferred instanceof SchemaInferenceError) return { ok: false, refusal: { path: '/sample_payload', message: inferred.message } };
    sample = input.samplePayload;
    schema = inferred;
    notes.push(found === null ? 'Schema inferred from the sample payload given.' : 'Schema inferred from the sample payload given; the JSON in the description was not used.');
  } else if (found !== null) {
    const inferred = sampleSchema(found.sample);
    if (inferred instanceof SchemaInferenceError) {
      notes.push(`The JSON in the description could not serve as a sample (${inferred.message}); the schema accepts any JSON object until you give one.`);
    } else {
      sample = found.sample;
      schema = inferred;
      notes.push(`Sample payload taken from the JSON in the description; schema inferred from it (${Object.keys(found.sample).length} top-level field(s)). Add more samples if some fields are optional.`);
    }
  } else {
    notes.push('No sample payload: the schema accepts any JSON object until you add a sample or a schema.');
  }

  return {
    ok: true,
    draft: {
      name,
      slug,
      alternatives,
      description,
      auth: hint.auth,
      sample_payload: sample,
      schema,
      notes,
      warnings: hint.auth.method === 'none' ? [NONE_WARNING] : [],
    },
  };
}
