/**
 * Who sends the events: a well-known sender with a signature preset (which then fixes the auth),
 * or a system named in the text ("our EHR", "the billing system"), which only names the slug.
 */
import { PRESETS, type PresetName } from '../signatures/presets';
import { isContentWord } from './vocabulary';
import { AGENTS, FILLER, isAcronym, isParticipleForm, type Word } from './words';

export interface NamedPreset {
  preset: PresetName;
  /** The word(s) of the text that named it, as written. */
  named: string;
  /** The sender's word for the slug (`stripe`; null for Standard Webhooks, which names no sender). */
  slugWord: string | null;
}

interface PresetCue {
  preset: PresetName;
  /** Folded, lower-case phrase matched on word boundaries. */
  phrase: string;
  slugWord: string | null;
  /**
   * An ordinary English word as well as a company ("square", "linear", "meta"): it counts only when
   * written capitalised, or right before "webhook(s)", "events", "payments" or "signature".
   */
  ambiguous?: true;
  /**
   * A carrier or a parent company rather than the sender itself ("Clerk user.created via Svix",
   * "Meta webhooks for WhatsApp"): another sender of the same preset named beside it wins.
   */
  umbrella?: true;
}

const CUES: readonly PresetCue[] = [
  { preset: 'standard-webhooks', phrase: 'standard webhooks', slugWord: null },
  { preset: 'standard-webhooks', phrase: 'standard webhook', slugWord: null },
  { preset: 'standard-webhooks', phrase: 'standardwebhooks', slugWord: null },
  { preset: 'standard-webhooks', phrase: 'svix', slugWord: 'svix', umbrella: true },
  // Senders that deliver through Svix, so they sign as Standard Webhooks.
  { preset: 'standard-webhooks', phrase: 'clerk', slugWord: 'clerk' },
  { preset: 'standard-webhooks', phrase: 'resend', slugWord: 'resend', ambiguous: true },
  { preset: 'stripe', phrase: 'stripe', slugWord: 'stripe' },
  { preset: 'github', phrase: 'github', slugWord: 'github' },
  { preset: 'shopify', phrase: 'shopify', slugWord: 'shopify' },
  { preset: 'slack', phrase: 'slack', slugWord: 'slack' },
  { preset: 'twilio', phrase: 'twilio', slugWord: 'twilio' },
  { preset: 'zoom', phrase: 'zoom', slugWord: 'zoom' },
  { preset: 'meta', phrase: 'meta', slugWord: 'meta', ambiguous: true, umbrella: true },
  { preset: 'meta', phrase: 'facebook', slugWord: 'facebook' },
  { preset: 'meta', phrase: 'whatsapp', slugWord: 'whatsapp' },
  { preset: 'meta', phrase: 'instagram', slugWord: 'instagram' },
  { preset: 'square', phrase: 'square', slugWord: 'square', ambiguous: true },
  { preset: 'paddle', phrase: 'paddle', slugWord: 'paddle' },
  { preset: 'linear', phrase: 'linear', slugWord: 'linear', ambiguous: true },
  { preset: 'hubspot', phrase: 'hubspot', slugWord: 'hubspot' },
  { preset: 'twitch', phrase: 'twitch', slugWord: 'twitch' },
  { preset: 'intercom', phrase: 'intercom', slugWord: 'intercom' },
];

const AMBIGUOUS_FOLLOWERS = new Set(['webhook', 'webhooks', 'event', 'events', 'payment', 'payments', 'signature', 'signatures', 'issue', 'issues', 'app']);

/** The cues by their first word: each word of a long text is looked up once. */
const CUES_BY_FIRST_WORD = new Map<string, { cue: PresetCue; words: string[] }[]>();
for (const cue of CUES) {
  const words = cue.phrase.split(' ');
  const first = words[0] ?? '';
  CUES_BY_FIRST_WORD.set(first, [...(CUES_BY_FIRST_WORD.get(first) ?? []), { cue, words }]);
}

/** Every place the text names a preset sender: "square" counts only as a company (see `ambiguous`). */
function cueMatches(words: readonly Word[]): { cue: PresetCue; at: number }[] {
  const matches: { cue: PresetCue; at: number }[] = [];
  for (let i = 0; i < words.length; i++) {
    const first = words[i];
    if (first === undefined) continue;
    for (const { cue, words: phrase } of CUES_BY_FIRST_WORD.get(first.text) ?? []) {
      if (!phrase.every((part, k) => words[i + k]?.text === part)) continue;
      if (cue.ambiguous && !/^[A-Z]/.test(first.original) && !AMBIGUOUS_FOLLOWERS.has(words[i + phrase.length]?.text ?? '')) continue;
      matches.push({ cue, at: i });
    }
  }
  return matches;
}

/** Every preset the text names, in the order it names them (each preset once; see `umbrella`). */
export function namedPresets(words: readonly Word[]): NamedPreset[] {
  const found = cueMatches(words).map(({ cue, at }) => {
    const named = words.slice(at, at + cue.phrase.split(' ').length).map((w) => w.original).join(' ');
    return { named: { preset: cue.preset, named, slugWord: cue.slugWord }, umbrella: cue.umbrella === true };
  });
  const chosen = found.filter((f) => !f.umbrella || !found.some((g) => !g.umbrella && g.named.preset === f.named.preset));
  const seen = new Set<PresetName>();
  return chosen.map((f) => f.named).filter((n) => (seen.has(n.preset) ? false : (seen.add(n.preset), true)));
}

/** Every word that names a preset sender, whether or not it became the sender: never the thing. */
export function presetWordsAt(words: readonly Word[]): Set<number> {
  const at = new Set<number>();
  for (const match of cueMatches(words)) for (let k = 0; k < match.cue.phrase.split(' ').length; k++) at.add(match.at + k);
  return at;
}

/** The preset's own name, as its row labels it ("Stripe"). */
export function presetLabel(preset: PresetName): string {
  return PRESETS[preset].label;
}

/**
 * Systems people name as the sender without a preset: the slug starts with them. Health-care
 * records first (this service's home), then common business systems.
 */
const KNOWN_SYSTEMS = new Set(
  [
    'ehr emr epic cerner oracle athena athenahealth meditech allscripts eclinicalworks nextgen lis ris pacs his dpi kis doctolib',
    'salesforce zendesk jira confluence gitlab bitbucket okta auth0 workday servicenow pagerduty sentry datadog crm erp',
    'quickbooks xero netsuite sap docusign calendly typeform mailchimp sendgrid mailgun postmark adyen braintree',
    'paypal plaid chargebee recurly segment airtable notion asana trello monday clickup',
  ]
    .join(' ')
    .split(' '),
);

/** A system people name as the sender ("Epic"): never part of the thing, even when not the sender. */
export function isKnownSystem(text: string): boolean {
  return KNOWN_SYSTEMS.has(text);
}

/** Nouns that make the words before them a sender: "our billing system", "the pharmacy partner". */
const SYSTEM_NOUNS = new Set(['system', 'systems', 'app', 'application', 'platform', 'service', 'portal', 'tool', 'server', 'partner', 'partners', 'vendor', 'provider', 'supplier']);
/** "el sistema de la clínica": in Spanish, Portuguese and French the sender follows the noun. */
const SYSTEM_NOUNS_BEFORE = new Set(['sistema', 'systeme']);
const LINKS_AFTER_SYSTEM = new Set(['de', 'da', 'do', 'del', 'du', 'la', 'el', 'le', 'o', 'a']);
/** Verbs whose subject is the sender: "the lab sends results", "Payer posts remittance advice". */
const SENDING_VERBS = new Set(['sends', 'send', 'posts', 'notifies', 'tells', 'pings', 'calls', 'signs', 'informs', 'alerts', 'pushes', 'hits', 'delivers', 'forwards', 'emits']);
/** Words that introduce the sender after the thing: "results from Quest". */
const FROM_WORDS = new Set(['from', 'via', 'von']);
const DEFINITE = new Set(['the', 'our', 'their']);
/** Not a sender, however the sentence is built. */
const NEVER_SENDERS = new Set([...AGENTS, 'team', 'teams', 'everything', 'nothing', 'something', 'side']);
const SENDER_MAX = 2;

export interface Sender {
  /** Slug parts, in order. */
  words: string[];
  /** As the person wrote it ("EHR"). */
  display: string;
  /** Its positions in the words: never also part of the thing. */
  at: Set<number>;
}

function senderFrom(words: readonly Word[], indices: readonly number[]): Sender {
  const picked = indices.map((i) => words[i]).filter((w): w is Word => w !== undefined);
  return { words: picked.map((w) => w.text), display: picked.map((w) => (isAcronym(w) ? w.original : w.text)).join(' '), at: new Set(indices) };
}

function canName(word: Word | undefined): word is Word {
  return word !== undefined && isContentWord(word.text) && !NEVER_SENDERS.has(word.text) && word.fixedAction === undefined && !isParticipleForm(word.text) && !word.text.endsWith('ed');
}

/** Up to SENDER_MAX words that can name a sender, ending at `end`, within one clause. */
function runEndingAt(words: readonly Word[], end: number): number[] {
  const run: number[] = [];
  for (let i = end; i >= 0 && run.length < SENDER_MAX; i--) {
    const word = words[i];
    if (!canName(word) || (i < end && word.endsClause)) break;
    run.unshift(i);
  }
  return run;
}

/** "our billing system", "the lab's system", "el sistema de la clínica". */
function systemNounSender(words: readonly Word[]): number[] | undefined {
  for (let i = 0; i < words.length; i++) {
    const text = words[i]?.text ?? '';
    if (SYSTEM_NOUNS.has(text) && i > 0 && !words[i - 1]?.endsClause) {
      const run = runEndingAt(words, i - 1);
      if (run.length > 0) return run;
    }
    if (SYSTEM_NOUNS_BEFORE.has(text)) {
      let k = i + 1;
      while (LINKS_AFTER_SYSTEM.has(words[k]?.text ?? '')) k++;
      if (k > i + 1 && canName(words[k])) return [k];
    }
  }
  return undefined;
}

/** "results from Quest", "orders from the POS", "responses from the clearinghouse (270/271)". */
function fromSender(words: readonly Word[]): number[] | undefined {
  for (let i = 0; i < words.length - 1; i++) {
    if (!FROM_WORDS.has(words[i]?.text ?? '') || words[i]?.endsClause) continue;
    const definite = DEFINITE.has(words[i + 1]?.text ?? '');
    const at = definite ? i + 2 : i + 1;
    const word = words[at];
    if (!canName(word)) continue;
    const named = /^[A-Z]/.test(word.original) || isAcronym(word);
    const next = words[at + 1];
    const endsThere = word.endsClause || next === undefined || FILLER.has(next.text);
    if (named || (definite && endsThere)) return [at];
  }
  return undefined;
}

/** "The immunization registry sends us…", "Deploy pipeline posts when…". */
function sendingVerbSender(words: readonly Word[]): number[] | undefined {
  for (let i = 1; i < words.length; i++) {
    if (!SENDING_VERBS.has(words[i]?.text ?? '') || words[i - 1]?.endsClause) continue;
    const run = runEndingAt(words, i - 1);
    if (run.length > 0) return run;
  }
  return undefined;
}

/**
 * Who sends the events when no preset sender is named: a known system ("our EHR"), a noun before
 * "system" or "partner", a name after "from", or the subject of "sends"/"posts"/"notifies". The
 * first rule that finds one wins; the next one found is offered as an alternative.
 */
export function senderSystems(words: readonly Word[], excluded: ReadonlySet<number>): Sender[] {
  const usable = (run: number[] | undefined) => (run !== undefined && run.length > 0 && run.every((i) => !excluded.has(i)) ? run : undefined);
  const known = words.map((w, i) => (KNOWN_SYSTEMS.has(w.text) ? i : -1)).filter((i) => i >= 0 && !excluded.has(i));
  const runs = [...known.map((i) => [i]), usable(systemNounSender(words)), usable(fromSender(words)), usable(sendingVerbSender(words))];
  const senders: Sender[] = [];
  for (const run of runs) {
    if (run === undefined) continue;
    const sender = senderFrom(words, run);
    if (!senders.some((s) => s.words.join('-') === sender.words.join('-'))) senders.push(sender);
  }
  return senders;
}
