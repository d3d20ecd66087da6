/**
 * The words senders and standards use for their own events, so a slug says what the sender says:
 * Stripe's `payment_intent.succeeded`, Shopify's `orders/create`, HL7's ADT A03 (a discharge), X12's
 * 271 (an eligibility response). Also the phrases that must stay whole in a slug: "pull request",
 * "orden de compra", and verbs of more than one word ("picks up", "dado de alta").
 */
import type { PresetName } from '../signatures/presets';
import { FILLER, PLUMBING, type Word } from './words';

/** A word that can name a sender, a thing or an event: not filler, plumbing or a bare number. */
export function isContentWord(text: string): boolean {
  if (text.length < 2 || /^\d+$/.test(text) || FILLER.has(text) || PLUMBING.has(text)) return false;
  return !text.includes('-') || !text.split('-').some((part) => PLUMBING.has(part));
}

interface Phrase {
  /** Alternatives separated by `|`, each a sequence of folded words. */
  forms: string;
  /** The slug unit the phrase becomes. */
  unit: string;
  /** When set, the phrase names what happened as a whole. */
  action?: true;
  /** Only when one of these senders is named ("PR" is a pull request on GitHub). */
  presets?: readonly PresetName[];
}

const PHRASES: readonly Phrase[] = [
  // Verbs of more than one word, and other languages' phrases for what happened: kept whole.
  { forms: 'pick up|picks up|picked up|picking up', unit: 'picked-up', action: true },
  { forms: 'sign up|signs up|signed up|signing up|sign-up|sign-ups', unit: 'signed-up', action: true },
  { forms: 'drop off|drops off|dropped off', unit: 'dropped-off', action: true },
  { forms: 'check in|checks in|checked in|check-in', unit: 'checked-in', action: true },
  { forms: 'check out|checks out|checked out|check-out', unit: 'checked-out', action: true },
  { forms: 'goes offline|went offline|offline', unit: 'offline', action: true },
  { forms: 'goes online|went online|comes online|goes live|went live', unit: 'online', action: true },
  { forms: 'no show|no shows|no-show|no-shows', unit: 'no-show', action: true },
  { forms: 'below threshold|below the threshold|below its threshold', unit: 'below-threshold', action: true },
  { forms: 'above threshold|above the threshold|above its threshold', unit: 'above-threshold', action: true },
  { forms: 'runs low|running low', unit: 'low', action: true },
  { forms: 'dado de alta|dada de alta|recibe el alta', unit: 'discharged', action: true },
  { forms: 'mise a jour|mis a jour|mise-a-jour|mises a jour', unit: 'updated', action: true },
  // Things named in more than one word.
  { forms: 'pull request|pull requests', unit: 'pull-request' },
  { forms: 'pr|prs', unit: 'pull-request', presets: ['github'] },
  { forms: 'merge request|merge requests', unit: 'merge-request' },
  { forms: 'prior authorization|prior authorizations|prior auth', unit: 'prior-authorization' },
  { forms: 'purchase order|purchase orders', unit: 'purchase-order' },
  { forms: 'checkout session|checkout sessions|checkout', unit: 'checkout-session', presets: ['stripe'] },
];

/** Each phrase's forms by their first word, longest first: each word of a long text is looked up once. */
const FORMS_BY_FIRST_WORD = new Map<string, { phrase: Phrase; words: string[] }[]>();
for (const form of PHRASES.flatMap((phrase) => phrase.forms.split('|').map((f) => ({ phrase, words: f.split(' ') }))).sort((a, b) => b.words.length - a.words.length)) {
  const first = form.words[0] ?? '';
  FORMS_BY_FIRST_WORD.set(first, [...(FORMS_BY_FIRST_WORD.get(first) ?? []), form]);
}

/** Spanish, French, Portuguese and Italian link a compound noun with a bare "de": "orden de compra". */
const COMPOUND_LINKS = new Set(['de', 'di']);

function merged(run: readonly Word[], unit: string, fixedAction?: string): Word {
  const last = run[run.length - 1];
  const word: Word = { text: unit, original: run.map((w) => w.original).join(' '), possessive: last?.possessive ?? false, endsClause: last?.endsClause ?? false };
  if (fixedAction !== undefined) word.fixedAction = fixedAction;
  else word.phrase = true;
  return word;
}

/**
 * The words with each known phrase, and each Romance "noun de noun" compound, merged into one word:
 * a slug keeps them whole or leaves them out, never cuts them in half.
 */
export function mergePhrases(words: readonly Word[], preset: PresetName | undefined): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const match = (FORMS_BY_FIRST_WORD.get(words[i]?.text ?? '') ?? []).find(
      ({ phrase, words: form }) =>
        (phrase.presets === undefined || (preset !== undefined && phrase.presets.includes(preset))) &&
        form.every((part, k) => words[i + k]?.text === part && (k === form.length - 1 || !words[i + k]?.endsClause)),
    );
    if (match !== undefined) {
      out.push(merged(words.slice(i, i + match.words.length), match.phrase.unit, match.phrase.action ? match.phrase.unit : undefined));
      i += match.words.length - 1;
      continue;
    }
    const word = words[i];
    if (word === undefined) continue;
    const previous = out[out.length - 1];
    const next = words[i + 1];
    if (COMPOUND_LINKS.has(word.text) && previous !== undefined && next !== undefined && previous.fixedAction === undefined && !previous.endsClause && !word.endsClause && isContentWord(previous.text) && isContentWord(next.text)) {
      out[out.length - 1] = merged([previous, word, next], `${previous.text}-${word.text}-${next.text}`);
      i += 1;
      continue;
    }
    out.push(word);
  }
  return out;
}

export interface EventCode {
  /** As written: `payment_intent.succeeded`. */
  written: string;
  /** Slug parts: `payment-intent`, `succeeded`. */
  parts: string[];
  /** Where it ends in the text. */
  end: number;
}

/** Last segments that make a dotted word a file or a host, not an event: `chart.json`, `acme.com`. */
const NOT_EVENT_ENDINGS = new Set(['com', 'org', 'net', 'io', 'dev', 'co', 'uk', 'de', 'fr', 'es', 'app', 'json', 'xml', 'csv', 'txt', 'html', 'htm', 'pdf', 'js', 'ts', 'md', 'yaml', 'yml', 'png', 'jpg', 'hl7', 'zip']);
/** Snake-case field names, not events: `patient_id`, `created_at`. */
const FIELD_ENDINGS = /_(id|ids|at|url|uri|by|on|type|name|key|no|number|date|time)$/;

/**
 * The sender's own event names written in the text: dotted (`invoice.paid`, any sender), slashed
 * (`orders/create`) or snake-case (`app_mention`) when a preset sender is named, since those read
 * as field names or "and/or" otherwise. Lower case only: `Node.js` is not an event.
 */
export function eventCodes(text: string, presetNamed: boolean): EventCode[] {
  const codes: EventCode[] = [];
  for (const match of text.matchAll(/(?<![A-Za-z0-9_./-])[a-z][a-z0-9_./]*[a-z0-9]/g)) {
    const written = match[0];
    const segments = written.split(/[./]/);
    const dotted = written.includes('.');
    const slashed = written.includes('/');
    if (segments.some((s) => !/^[a-z][a-z0-9_]+$/.test(s))) continue;
    if (segments.length === 1) {
      if (!presetNamed || !written.includes('_') || FIELD_ENDINGS.test(written)) continue;
    } else {
      if (slashed && (!presetNamed || dotted)) continue;
      if (NOT_EVENT_ENDINGS.has(segments[segments.length - 1] ?? '')) continue;
      if (segments.every((s) => FILLER.has(s))) continue;
    }
    if (segments.length > 5) continue;
    codes.push({ written, parts: segments.map((s) => s.replace(/_/g, '-')), end: match.index + written.length });
  }
  return codes;
}

export interface StandardEvent {
  /** An ADT trigger names what happened; a message type or an X12 set names only the thing. */
  kind: 'adt' | 'type' | 'x12';
  thing: string[];
  /** What happened, when the code says it (ADT A03: discharged). */
  action: string | null;
  /** The words that named it, left out of the thing. */
  used: Set<number>;
}

/** HL7 v2 ADT trigger events: the patient and what happened to them. */
const ADT_EVENTS: Record<string, string> = { a01: 'admitted', a02: 'transferred', a03: 'discharged', a04: 'registered', a05: 'pre-admitted', a08: 'updated', a11: 'admission-cancelled', a13: 'discharge-cancelled', a28: 'created', a31: 'updated', a40: 'merged' };
/** HL7 v2 message types that name a thing: ORU is an observation result. */
const HL7_TYPES: Record<string, string[]> = { oru: ['lab', 'results'], orm: ['order'], omg: ['order'], siu: ['appointment'], mdm: ['document'], vxu: ['vaccination'], dft: ['charge'], rde: ['pharmacy', 'order'] };
/** X12 transaction sets, most specific first: a 270/271 exchange is delivered as its 271 response. */
const X12_SETS: readonly [string, string[]][] = [
  ['271', ['eligibility', 'response']],
  ['277', ['claim', 'status']],
  ['835', ['remittance']],
  ['278', ['prior-authorization']],
  ['837', ['claim']],
  ['270', ['eligibility', 'inquiry']],
];

/**
 * The event a health-care standard's code names: an ADT trigger (with "ADT" or "HL7" in the text),
 * an HL7 message type, or an X12 transaction set number. Null when the text uses none.
 */
export function standardEvent(words: readonly Word[]): StandardEvent | null {
  const hl7 = words.some((w) => w.text === 'adt' || w.text === 'hl7');
  const used = new Set<number>();
  words.forEach((w, i) => {
    if (w.text === 'adt' || w.text === 'hl7') used.add(i);
  });
  if (hl7) {
    const at = words.findIndex((w) => Object.hasOwn(ADT_EVENTS, w.text));
    if (at >= 0) return { kind: 'adt', thing: ['patient'], action: ADT_EVENTS[words[at]?.text ?? ''] ?? null, used: used.add(at) };
  }
  const typeAt = words.findIndex((w) => Object.hasOwn(HL7_TYPES, w.text) && w.original === w.original.toUpperCase());
  if (typeAt >= 0) return { kind: 'type', thing: HL7_TYPES[words[typeAt]?.text ?? ''] ?? [], action: null, used: used.add(typeAt) };
  for (const [set, thing] of X12_SETS) {
    const at = words.findIndex((w) => w.text === set);
    if (at >= 0) return { kind: 'x12', thing, action: null, used: new Set([at]) };
  }
  return null;
}
