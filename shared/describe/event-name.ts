/**
 * The short name of the inbound event, `{sender}-{thing}-{what happened}` —
 * "…our EHR system can notify us when a patient's chart is updated" → `ehr` `chart` `updated`.
 * Not the sentence: the request ("Create a webhook so…"), the filler around the event and the words
 * about plumbing ("webhook", "events" once something specific happened) are dropped; the event's
 * subject is kept over the side phrases hung on it ("lab results for a patient in the ICU");
 * a possessive owner ("patient's") gives way to the thing it owns; a sender's own event name
 * (`invoice.paid`) is used as it is written.
 */
import { headerNames } from './auth-hints';
import { isKnownSystem, presetWordsAt, senderSystems, type NamedPreset, type Sender } from './senders';
import { eventCodes, isContentWord, mergePhrases, standardEvent, type EventCode } from './vocabulary';
import {
  AGENTS,
  ATTRIBUTE_NOUNS,
  AUXILIARIES,
  DETERMINERS,
  EVENT_NOUNS,
  FILLER,
  NEW_WORDS,
  PARTICIPLES_AFTER_AUXILIARY,
  PLUMBING,
  PLUMBING_AFTER_NOUN,
  SAMPLE_WORDS,
  SIDE_PREPOSITIONS,
  actionOf,
  isAcronym,
  isParticipleForm,
  wordsOf,
  type Word,
} from './words';

export interface EventParts {
  /** The sender's slug word(s), hyphen-joined (`warehouse-management`), or null. */
  sender: string | null;
  thing: string[];
  /** What happened (`updated`), `events` when the text names none, or null ("Square payments"). */
  action: string | null;
}

export interface EventName extends EventParts {
  /** For the name: the words as the person wrote them. */
  display: string;
  /** Other names a reviewer might prefer, best first: the draft's alternative slugs. */
  variants: EventParts[];
}

/** Where the words about the event begin: after "webhook"/"endpoint" when the text opens with a request. */
const REQUEST_NOUNS = new Set(['webhook', 'webhooks', 'endpoint', 'endpoints', 'hook', 'url', 'callback']);
const CLAUSE_OPENERS = new Set(['when', 'whenever', 'if', 'once', 'after', 'anytime', 'cuando', 'quand', 'lorsque', 'wenn', 'quando', 'sobald']);
/** "every time", "each time": openers of two words. */
const TIME_OPENERS = new Set(['every', 'each', 'any']);
/** A thing of more words than this keeps its last ones: in English the head noun comes last. */
const THING_MAX = 3;
const SIGN_WORDS = new Set(['sign', 'signs', 'signed', 'signing']);
/** "signs with HMAC", "signed by Zoom": the sender authenticating, not a document being signed. */
const NOT_SIGNED_BEFORE = new Set(['with', 'by', 'using', 'via', 'each', 'every', 'them', 'it', 'its', 'their', 'all', 'over']);
/** Words between a verb and its object: "replies to a conversation", "mise à jour du dossier". */
const OBJECT_LINKS = new Set(['to', 'on', 'of', 'de', 'du', 'del', 'della', 'des', 'da', 'do']);
/** "the status of a referral": the owner follows these. */
const OF_WORDS = new Set(['of', 'de', 'du', 'del', 'della', 'des', 'da', 'do', 'von']);
/** What happened to the subject wherever it happened: a participant joins a meeting. */
const SUBJECT_ACTIONS = new Set(['joined', 'left', 'signed-up']);
/** Words only Spanish, Portuguese, French or Italian text has: participles (`-ado`, `-ido`) are read. */
const ROMANCE_MARKERS = new Set('el los las una del por cuando quando um uma do da na une des du quand dans della est'.split(' '));
const ROMANCE_PARTICIPLE = /^[a-z]{3,}(ado|ada|ido|ida)s?$/;

interface FoundAction {
  action: string;
  /** Written as what the slug says ("paid", "ready"), not as a verb ("pays"): also before "events". */
  participle: boolean;
}

/** The words of one description, with what the rules have worked out about them. */
class Reading {
  readonly actions: (FoundAction | undefined)[];
  /** Verbs read as nouns: "Refunds from Stripe" names refunds, nothing happened to them. */
  readonly demoted = new Set<number>();

  constructor(
    readonly words: readonly Word[],
    /** The sender's words and the presets': never part of the thing. */
    readonly excluded: Set<number>,
    readonly romance: boolean,
  ) {
    this.actions = words.map((_, i) => this.readAction(i));
  }

  /** True when a clause ends right after word `i`. */
  endsAt(i: number): boolean {
    return this.words[i]?.endsClause ?? true;
  }

  private signedAt(i: number): boolean {
    let k = i + 1;
    while (!this.endsAt(k - 1) && DETERMINERS.has(this.words[k]?.text ?? '')) k++;
    const next = this.endsAt(k - 1) ? undefined : this.words[k];
    if (next !== undefined && (NOT_SIGNED_BEFORE.has(next.text) || PLUMBING.has(next.text))) return false;
    if (next !== undefined && isContentWord(next.text)) return true;
    let j = i - 1;
    while (j >= 0 && !this.endsAt(j) && AUXILIARIES.has(this.words[j]?.text ?? '')) j--;
    const previous = this.words[j];
    return previous !== undefined && !previous.endsClause && isContentWord(previous.text);
  }

  private readAction(i: number): FoundAction | undefined {
    const word = this.words[i];
    if (word === undefined || this.excluded.has(i)) return undefined;
    if (word.fixedAction !== undefined) return { action: word.fixedAction, participle: true };
    if (SIGN_WORDS.has(word.text)) return this.signedAt(i) ? { action: 'signed', participle: true } : undefined;
    const previous = i > 0 && !this.endsAt(i - 1) ? this.words[i - 1] : undefined;
    const afterAuxiliary = previous !== undefined && AUXILIARIES.has(previous.text);
    const afterAuxiliaryOnly = PARTICIPLES_AFTER_AUXILIARY[word.text];
    if (afterAuxiliaryOnly !== undefined) return afterAuxiliary ? { action: afterAuxiliaryOnly, participle: true } : undefined;
    const known = actionOf(word.text);
    if (known === undefined) {
      const romanceParticiple = this.romance && ROMANCE_PARTICIPLE.test(word.text) && previous !== undefined && !DETERMINERS.has(previous.text) && (afterAuxiliary || isContentWord(previous.text));
      return romanceParticiple ? { action: word.text, participle: true } : undefined;
    }
    const participle = isParticipleForm(word.text) || word.text.endsWith('ed');
    // "push events", "update notifications": before an event noun, a verb's other forms are the thing.
    const next = this.words[i + 1];
    if (!participle && !word.endsClause && next !== undefined && EVENT_NOUNS.has(next.text)) return undefined;
    return { action: known, participle };
  }

  /** How word `i` counts in a noun phrase: part of it, skipped inside it (a sender), or its end. */
  kind(i: number): 'take' | 'skip' | 'stop' {
    const word = this.words[i];
    if (word === undefined) return 'stop';
    if (this.excluded.has(i)) return 'skip';
    if (this.actions[i] !== undefined && !this.demoted.has(i)) return 'stop';
    const next = word.endsClause ? undefined : this.words[i + 1];
    if (SAMPLE_WORDS.has(word.text) && next !== undefined && (PLUMBING.has(next.text) || EVENT_NOUNS.has(next.text))) return 'stop';
    if (word.phrase === true || isContentWord(word.text)) return 'take';
    const previous = this.words[i - 1];
    if (PLUMBING_AFTER_NOUN.has(word.text) && previous !== undefined && !previous.endsClause && isContentWord(previous.text)) return 'take';
    return 'stop';
  }

  /** The noun phrase ending at `end` (walking back no further than `floor`): its words' indices. */
  runBack(end: number, floor: number): { taken: number[]; start: number } {
    const taken: number[] = [];
    let j = end;
    for (; j >= floor; j--) {
      if (j < end && this.endsAt(j)) break;
      const kind = this.kind(j);
      if (kind === 'stop') break;
      if (kind === 'take') taken.unshift(j);
    }
    return { taken, start: j + 1 };
  }

  /** The noun phrase starting at `start`. */
  runForward(start: number, ceiling = this.words.length): number[] {
    const taken: number[] = [];
    for (let j = start; j < ceiling; j++) {
      if (j > start && this.endsAt(j - 1)) break;
      const kind = this.kind(j);
      if (kind === 'stop') break;
      if (kind === 'take') taken.push(j);
    }
    return taken;
  }

  /** The first noun phrase in [from, to). */
  firstRun(from: number, to: number): number[] {
    for (let i = from; i < to; i++) if (this.kind(i) === 'take') return this.runForward(i, to);
    return [];
  }

  private skipBack(from: number, floor: number, skip: (text: string) => boolean): number {
    let j = from;
    while (j >= floor && !this.endsAt(j) && skip(this.words[j]?.text ?? '')) j--;
    return j;
  }

  /**
   * The subject of what happened at `at`: the noun phrase before it (past auxiliaries and adverbs),
   * then back over side phrases to the noun they hang on — "lab results for a patient in the ICU
   * are final" is about lab results; "the status of a referral" is the referral status.
   */
  subjectBefore(at: number, floor: number): number[] {
    if (this.endsAt(at - 1)) return [];
    const adverbOrAuxiliary = (text: string) => AUXILIARIES.has(text) || (FILLER.has(text) && !SIDE_PREPOSITIONS.has(text) && !DETERMINERS.has(text)) || (text.length > 4 && text.endsWith('ly'));
    let j = at - 1;
    while (j >= floor && !this.endsAt(j) && (adverbOrAuxiliary(this.words[j]?.text ?? '') || this.excluded.has(j))) j--;
    if (j < floor || this.endsAt(j) || this.kind(j) !== 'take') return [];
    let current = this.runBack(j, floor);
    for (;;) {
      const k = this.skipBack(current.start - 1, floor, (t) => DETERMINERS.has(t));
      const preposition = this.words[k];
      if (k < floor || preposition === undefined || preposition.endsClause || !SIDE_PREPOSITIONS.has(preposition.text)) break;
      // "an order for a patient at one of our clinics": back over every side phrase in the chain.
      const m = this.skipBack(k - 1, floor, (t) => DETERMINERS.has(t) || SIDE_PREPOSITIONS.has(t));
      if (m < floor || this.endsAt(m) || this.kind(m) !== 'take') break;
      const owner = this.runBack(m, floor);
      const head = owner.taken[owner.taken.length - 1];
      if (OF_WORDS.has(preposition.text) && head !== undefined && ATTRIBUTE_NOUNS.has(this.words[head]?.text ?? '')) return [...current.taken, head];
      current = owner;
    }
    return current.taken;
  }

  /** The object of what happened at `at`: "opens an issue in our repo" → issue. */
  objectAfter(at: number): number[] {
    if (this.endsAt(at)) return [];
    const skipDeterminers = (from: number) => {
      let k = from;
      while (!this.endsAt(k - 1) && (DETERMINERS.has(this.words[k]?.text ?? '') || this.excluded.has(k))) k++;
      return k;
    };
    let k = skipDeterminers(at + 1);
    if (!this.endsAt(k - 1) && OBJECT_LINKS.has(this.words[k]?.text ?? '')) k = skipDeterminers(k + 1);
    if (this.endsAt(k - 1) || this.kind(k) !== 'take') return [];
    return this.runForward(k);
  }

  isAgent(run: readonly number[]): boolean {
    return run.length > 0 && run.every((i) => AGENTS.has(this.words[i]?.text ?? ''));
  }

  /** "a new referral": a word meaning "new" opens the phrase. */
  isNew(run: readonly number[]): boolean {
    const first = run[0];
    if (first === undefined) return false;
    for (let k = first - 1; k >= 0 && !this.endsAt(k); k--) {
      const text = this.words[k]?.text ?? '';
      if (NEW_WORDS.has(text)) return true;
      if (!DETERMINERS.has(text)) return false;
    }
    return false;
  }
}

/** A description names a header or two; a text of thousands is not one, and costs no more than this. */
const HEADER_NAMES_MAX = 8;

/** Header names written in the text (`X-Signature`) say how the sender signs, not what happened. */
function withoutHeaderNames(text: string): string {
  let out = text;
  for (const name of headerNames(text).slice(0, HEADER_NAMES_MAX)) out = out.split(name).join(' ');
  return out;
}

function opening(words: readonly Word[], start: number): number {
  return words.findIndex((w, i) => i >= start && (CLAUSE_OPENERS.has(w.text) || ((w.text === 'time' || w.text === 'times') && TIME_OPENERS.has(words[i - 1]?.text ?? ''))));
}

function displayOf(word: Word): string {
  return isAcronym(word) ? word.original : word.original.toLowerCase();
}

function sentenceCase(parts: readonly (string | null)[]): string {
  const text = parts.filter((p): p is string => p !== null && p !== '').join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A sender's own event name: the code as written, then a participle right after it ("workflow_run completed"). */
function codeEvent(code: EventCode, text: string): { parts: string[]; written: string } {
  const after = /^\s+([A-Za-z]+)/.exec(text.slice(code.end))?.[1]?.toLowerCase();
  const last = code.parts[code.parts.length - 1] ?? '';
  if (after !== undefined && isParticipleForm(after) && actionOf(last) === undefined) return { parts: [...code.parts, after], written: `${code.written} ${after}` };
  return { parts: code.parts, written: code.written };
}

/** The action candidates in the order the rules prefer them: in the event's clause, then anywhere. */
function actionOrder(reading: Reading, start: number, opener: number): { at: number; floor: number }[] {
  const n = reading.words.length;
  const ranges: [number, number, number][] = opener >= 0 ? [[opener + 1, n, opener + 1], [start, opener, start]] : [[start, n, start]];
  if (start > 0) ranges.push([0, start, 0]);
  const order: { at: number; floor: number }[] = [];
  for (const [from, to, floor] of ranges) for (let i = from; i < to; i++) if (reading.actions[i] !== undefined) order.push({ at: i, floor });
  return order;
}

/** The event's short name, or null when the text names neither a sender, a thing nor an action. */
export function eventName(text: string, presets: readonly NamedPreset[]): EventName | null {
  const preset = presets[0];
  const naming = withoutHeaderNames(text);
  const words = mergePhrases(wordsOf(naming), preset?.preset);
  const excluded = presetWordsAt(words);
  const romance = words.some((w) => ROMANCE_MARKERS.has(w.text));

  let senders: Sender[];
  if (preset !== undefined) {
    senders = presets.filter((p) => p.slugWord !== null).map((p) => ({ words: [p.slugWord ?? ''], display: p.named, at: new Set<number>() }));
    if (preset.slugWord === null) senders.unshift({ words: [], display: '', at: new Set() });
  } else {
    senders = senderSystems(words, excluded);
  }
  const sender = senders[0]?.words.length ? senders[0] : undefined;
  for (const i of sender?.at ?? []) excluded.add(i);
  words.forEach((w, i) => {
    if (isKnownSystem(w.text)) excluded.add(i);
  });
  const senderSlug = sender === undefined ? null : sender.words.join('-');
  const senderDisplay = sender?.display ?? null;
  const otherSenders = senders.slice(1).filter((s) => s.words.length > 0).map((s) => s.words.join('-'));

  const codes = eventCodes(naming, preset !== undefined);
  const [code, ...otherCodes] = codes;
  if (code !== undefined) {
    const event = codeEvent(code, naming);
    return {
      sender: senderSlug,
      thing: event.parts,
      action: null,
      display: sentenceCase([senderDisplay, event.written]),
      variants: [
        ...otherCodes.map((c) => ({ sender: senderSlug, thing: codeEvent(c, naming).parts, action: null })),
        ...otherSenders.map((s) => ({ sender: s, thing: event.parts, action: null })),
        { sender: null, thing: event.parts, action: null },
      ],
    };
  }

  const standard = standardEvent(words);
  if (standard !== null) for (const i of standard.used) excluded.add(i);
  const reading = new Reading(words, excluded, romance);
  const requestAt = words.slice(0, 8).findIndex((w) => REQUEST_NOUNS.has(w.text));
  const start = requestAt >= 0 ? requestAt + 1 : 0;
  const opener = opening(words, start);

  let thing: number[] = [];
  let action: string | null = null;
  let actionAt = -1;
  for (const { at, floor } of actionOrder(reading, start, opener)) {
    const found = reading.actions[at];
    if (found === undefined) continue;
    const subject = reading.subjectBefore(at, floor);
    const object = reading.objectAfter(at);
    if (!found.participle && subject.length === 0 && object.length === 0) {
      reading.demoted.add(at);
      continue;
    }
    action = found.action;
    actionAt = at;
    if (SUBJECT_ACTIONS.has(found.action)) thing = subject.length > 0 ? subject : object;
    else if (subject.length === 0 || reading.isAgent(subject)) thing = object.length > 0 ? object : subject;
    else if (!found.participle && object.length > 0 && !reading.isAgent(object)) thing = [...subject, ...object];
    else thing = subject;
    if (thing.length === 0) thing = reading.firstRun(start, opener >= 0 && opener < at ? opener : at);
    break;
  }

  let eventNounAfter = false;
  if (action === null) {
    const beforeRequest = requestAt > 0 ? reading.firstRun(0, requestAt) : [];
    thing = beforeRequest.length > 0 ? beforeRequest : reading.firstRun(start, words.length);
    const last = thing[thing.length - 1];
    eventNounAfter = last !== undefined && EVENT_NOUNS.has(words[last + 1]?.text ?? '');
    if (thing.length > 0 && reading.isNew(thing)) action = 'created';
  }

  let thingWords = thing.map((i) => words[i]).filter((w): w is Word => w !== undefined);
  // A possessive owner gives way to what it owns ("patient's chart"), unless that is an attribute.
  const owner = thingWords.find((w, i) => w.possessive && i < thingWords.length - 1 && !ATTRIBUTE_NOUNS.has(thingWords[i + 1]?.text ?? ''));
  thingWords = thingWords.filter((w) => w !== owner);
  let thingSlugs = thingWords.map((w) => w.text);
  let thingDisplay = thingWords.map(displayOf);
  if (standard !== null && (standard.kind === 'adt' || standard.kind === 'type' || action === null)) {
    thingSlugs = standard.thing;
    thingDisplay = standard.thing.map((t) => t.replace(/-/g, ' '));
    if (standard.action !== null) action = standard.action;
  }
  if (thingSlugs.length > THING_MAX) {
    thingSlugs = thingSlugs.slice(-THING_MAX);
    thingDisplay = thingDisplay.slice(-THING_MAX);
  }
  // "Our referral partner … when a referral is accepted": no word twice.
  const senderRepeated = senderSlug !== null && sender !== undefined && sender.words[sender.words.length - 1] === thingSlugs[0];
  const finalSender = senderRepeated ? null : senderSlug;
  if (finalSender === null && thingSlugs.length === 0 && action === null) return null;
  // No action named: "Stripe payment events" keeps its "events"; "Square payments" needs none.
  if (action === null && (thingSlugs.length === 0 || eventNounAfter)) action = 'events';

  const variants: EventParts[] = [];
  if (owner !== undefined) variants.push({ sender: finalSender, thing: [owner.text, ...thingSlugs].slice(-THING_MAX - 1), action });
  for (const other of otherSenders) variants.push({ sender: other, thing: thingSlugs, action });
  const second = reading.actions[actionAt + 2];
  if (actionAt >= 0 && second !== undefined && ['or', 'and', 'o', 'ou', 'oder', 'y', 'e'].includes(words[actionAt + 1]?.text ?? '')) variants.push({ sender: finalSender, thing: thingSlugs, action: second.action });
  if (finalSender !== null && (thingSlugs.length > 0 || (action !== null && action !== 'events'))) variants.push({ sender: null, thing: thingSlugs, action });
  if (action !== null && action !== 'events' && thingSlugs.length > 0) variants.push({ sender: finalSender, thing: thingSlugs, action: 'events' });
  if (action === 'events' && thingSlugs.length > 0) variants.push({ sender: finalSender, thing: thingSlugs, action: null });

  return {
    sender: finalSender,
    thing: thingSlugs,
    action,
    display: sentenceCase([senderRepeated ? null : senderDisplay, ...thingDisplay, action?.replace(/-/g, ' ') ?? null]),
    variants,
  };
}
