/**
 * Who sends the events: a well-known sender with a signature preset (which then fixes the auth),
 * or a system named in the text ("our EHR", "the billing system"), which only names the slug.
 */
import { PRESETS, type PresetName } from '../signatures/presets';
import { FILLER, PLUMBING, type Word } from './words';

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
}

const CUES: readonly PresetCue[] = [
  { preset: 'standard-webhooks', phrase: 'standard webhooks', slugWord: null },
  { preset: 'standard-webhooks', phrase: 'standard webhook', slugWord: null },
  { preset: 'standard-webhooks', phrase: 'standardwebhooks', slugWord: null },
  { preset: 'standard-webhooks', phrase: 'svix', slugWord: 'svix' },
  { preset: 'stripe', phrase: 'stripe', slugWord: 'stripe' },
  { preset: 'github', phrase: 'github', slugWord: 'github' },
  { preset: 'shopify', phrase: 'shopify', slugWord: 'shopify' },
  { preset: 'slack', phrase: 'slack', slugWord: 'slack' },
  { preset: 'twilio', phrase: 'twilio', slugWord: 'twilio' },
  { preset: 'zoom', phrase: 'zoom', slugWord: 'zoom' },
  { preset: 'meta', phrase: 'meta', slugWord: 'meta', ambiguous: true },
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

/** Every preset the text names, in the order it names them (each preset once). */
export function namedPresets(words: readonly Word[]): NamedPreset[] {
  const found: { at: number; named: NamedPreset }[] = [];
  for (const cue of CUES) {
    const phrase = cue.phrase.split(' ');
    for (let i = 0; i + phrase.length <= words.length; i++) {
      if (!phrase.every((part, k) => words[i + k]?.text === part)) continue;
      const first = words[i];
      if (first === undefined) continue;
      if (cue.ambiguous && !/^[A-Z]/.test(first.original) && !AMBIGUOUS_FOLLOWERS.has(words[i + phrase.length]?.text ?? '')) continue;
      const named = words.slice(i, i + phrase.length).map((w) => w.original).join(' ');
      found.push({ at: i, named: { preset: cue.preset, named, slugWord: cue.slugWord } });
      break;
    }
  }
  found.sort((a, b) => a.at - b.at);
  const seen = new Set<PresetName>();
  return found.map((f) => f.named).filter((n) => (seen.has(n.preset) ? false : (seen.add(n.preset), true)));
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
    'ehr emr epic cerner oracle athena athenahealth meditech allscripts eclinicalworks nextgen lis ris pacs his',
    'salesforce zendesk jira confluence gitlab bitbucket okta auth0 workday servicenow pagerduty sentry datadog',
    'quickbooks xero netsuite sap docusign calendly typeform mailchimp sendgrid mailgun postmark adyen braintree',
    'paypal plaid chargebee recurly segment airtable notion asana trello monday clickup airtable',
  ]
    .join(' ')
    .split(' '),
);

/** Nouns that make the word before them a sender: "our billing system", "the scheduling app". */
const SYSTEM_NOUNS = new Set(['system', 'systems', 'app', 'application', 'platform', 'service', 'portal', 'tool', 'server']);

/** The index of the word naming the sending system, if the text names one. */
export function senderSystemAt(words: readonly Word[]): number | undefined {
  const known = words.findIndex((w) => KNOWN_SYSTEMS.has(w.text));
  if (known >= 0) return known;
  for (let i = 1; i < words.length; i++) {
    const word = words[i - 1];
    if (word === undefined || !SYSTEM_NOUNS.has(words[i]?.text ?? '')) continue;
    if (!FILLER.has(word.text) && !PLUMBING.has(word.text) && !/^\d+$/.test(word.text)) return i - 1;
  }
  return undefined;
}
