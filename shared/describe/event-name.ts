/**
 * The short name of the inbound event: the sender, the thing, what happened —
 * "…our EHR system can notify us when a patient's chart is updated" → `ehr` `chart` `updated`.
 * Not the sentence: the request ("Create a webhook so…") and the filler around the event are
 * dropped, and a possessive owner ("patient's") gives way to the thing it owns.
 */
import type { NamedPreset } from './senders';
import { senderSystemAt } from './senders';
import { EVENT_NOUNS, FILLER, PLUMBING, actionOf, isAcronym, type Word } from './words';

export interface EventName {
  sender: string | null;
  thing: string[];
  /** What happened (`updated`), `events` when the text names none, or null ("Square payments"). */
  action: string | null;
  /** For the name: the words as the person wrote them. */
  display: string;
}

/** Where the words about the event begin: after "webhook"/"endpoint" when the text opens with a request. */
const REQUEST_NOUNS = new Set(['webhook', 'webhooks', 'endpoint', 'hook', 'url', 'callback']);
const CLAUSE_OPENERS = new Set(['when', 'whenever', 'if', 'once', 'after', 'cuando', 'quand', 'wenn', 'quando', 'sobald']);
const THING_MAX = 2;

function isContent(word: Word): boolean {
  return !FILLER.has(word.text) && !PLUMBING.has(word.text) && !/^\d+$/.test(word.text) && word.text.length >= 2;
}

/** Drops a possessive owner that is followed by the noun it owns ("patient's chart" → chart). */
function withoutOwners(words: readonly Word[]): Word[] {
  return words.filter((w, i) => !(w.possessive && i < words.length - 1));
}

function displayWord(word: Word): string {
  return isAcronym(word) ? word.original : word.text;
}

/** The event's short name, or null when the text names neither a sender, a thing nor an action. */
export function eventName(words: readonly Word[], preset: NamedPreset | undefined): EventName | null {
  const requestEnd = words.slice(0, 8).findIndex((w) => REQUEST_NOUNS.has(w.text));
  const start = requestEnd >= 0 ? requestEnd + 1 : 0;
  const opener = words.findIndex((w, i) => i >= start && CLAUSE_OPENERS.has(w.text));
  const clauseStart = opener >= 0 ? opener + 1 : start;

  const presetWords = new Set((preset?.named ?? '').toLowerCase().split(' '));
  const systemAt = preset === undefined ? senderSystemAt(words) : undefined;
  const senderWord = systemAt === undefined ? undefined : words[systemAt];
  const sender = preset?.slugWord ?? senderWord?.text ?? null;
  const senderDisplay = preset !== undefined ? (preset.slugWord === null ? null : preset.named) : senderWord === undefined ? null : displayWord(senderWord);

  const clause = words.slice(clauseStart).filter((w) => w !== senderWord && w.text !== sender && !presetWords.has(w.text));
  // "push events", "update notifications": before an event noun an action word is the thing.
  const isAction = (w: Word, i: number) => actionOf(w.text) !== undefined && !EVENT_NOUNS.has(clause[i + 1]?.text ?? '');
  const actionAt = clause.findIndex(isAction);
  let action = actionAt >= 0 ? (actionOf(clause[actionAt]?.text ?? '') ?? null) : null;
  const nouns = (ws: readonly Word[]) => withoutOwners(ws.filter((w) => isContent(w) && !EVENT_NOUNS.has(w.text)));

  let thing: Word[];
  if (actionAt >= 0) {
    const before = nouns(clause.slice(0, actionAt));
    const after = clause.slice(actionAt + 1);
    const nextAction = after.findIndex((w, i) => isAction(w, actionAt + 1 + i));
    thing = before.length > 0 ? before.slice(-THING_MAX) : nouns(nextAction >= 0 ? after.slice(0, nextAction) : after).slice(0, THING_MAX);
  } else {
    thing = nouns(clause).slice(0, THING_MAX);
    // "a new referral" with no verb: the referral was created.
    if (thing.length > 0 && clause.some((w) => w.text === 'new')) action = 'created';
  }
  if (sender === null && thing.length === 0 && action === null) return null;
  // No action named: "Stripe payment events" keeps its "events"; "Square payments" needs none.
  if (action === null && (thing.length === 0 || clause.some((w) => EVENT_NOUNS.has(w.text)))) action = 'events';

  const displayParts = [senderDisplay, ...thing.map(displayWord), action?.replace(/-/g, ' ') ?? null].filter((p): p is string => p !== null && p !== '');
  const display = displayParts.join(' ');
  return { sender, thing: thing.map((w) => w.text), action, display: display.charAt(0).toUpperCase() + display.slice(1) };
}
