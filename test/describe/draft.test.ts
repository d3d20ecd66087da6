import { describe, expect, it } from 'vitest';
import { draftWebhook, type Draft } from '../../shared/describe/draft';
import { PRESET_NAMES } from '../../shared/signatures/presets';
import { SLUG_PATTERN } from '../../shared/control/slug';

function drafted(description: string, samplePayload?: Record<string, unknown>): Draft {
  const outcome = draftWebhook({ description, samplePayload });
  if (!outcome.ok) throw new Error(`refused: ${outcome.refusal.message}`);
  return outcome.draft;
}

/** description → slug and auth method (and preset or header, where one is named). */
const TABLE: readonly [string, string, Draft['auth']][] = [
  // The product's own examples.
  ["Create a webhook so our EHR system can notify us when a patient's chart is updated.", 'ehr-chart-updated', { method: 'hmac' }],
  ['Add a webhook endpoint for Stripe payment events.', 'stripe-payment-events', { method: 'hmac', preset: 'stripe' }],
  // Sender, thing, what happened; filler and the request itself dropped.
  ['Our EHR sends a bearer token when a patient is admitted', 'ehr-patient-admitted', { method: 'bearer' }],
  ['Notify us when an invoice is paid', 'invoice-paid', { method: 'hmac' }],
  ['Signed by Zoom when a meeting starts', 'zoom-meeting-started', { method: 'hmac', preset: 'zoom' }],
  ['GitHub push events', 'github-push-events', { method: 'hmac', preset: 'github' }],
  ['Webhook for Shopify orders created', 'shopify-orders-created', { method: 'hmac', preset: 'shopify' }],
  ['Square payments', 'square-payments', { method: 'hmac', preset: 'square' }],
  ['Whenever a new referral arrives from a partner clinic', 'referral-received', { method: 'hmac' }],
  ['The scheduling app tells us when an appointment is cancelled or rescheduled', 'scheduling-appointment-cancelled', { method: 'hmac' }],
  // Auth hints.
  ['The lab system posts results with an X-Api-Key header when a lab result is ready', 'lab-result-ready', { method: 'header', header: 'X-Api-Key' }],
  ['Referral partners sign with HMAC SHA-256 in X-Signature, hex, whenever a new referral arrives', 'referral-received', { method: 'hmac', header: 'X-Signature', prefix: '', algorithm: 'sha256', encoding: 'hex', signed_content: 'body' }],
  [
    'The billing system signs with HMAC (sha512, base64) in X-Billing-Signature over the timestamp in X-Billing-Timestamp when an invoice fails',
    'billing-invoice-failed',
    { method: 'hmac', header: 'X-Billing-Signature', prefix: '', algorithm: 'sha512', encoding: 'base64', signed_content: 'timestamp.body', timestamp_header: 'X-Billing-Timestamp' },
  ],
  ['An internal tool pings us when a report is ready', 'report-ready', { method: 'none' }],
  ['Discharge summaries from the hospital on our private network, when a patient is discharged', 'hospital-patient-discharged', { method: 'none' }],
  ['Open endpoint with no auth for survey responses', 'survey-responses', { method: 'none' }],
  ['Svix sends us customer events', 'svix-customer-events', { method: 'hmac', preset: 'standard-webhooks' }],
  ['Twilio SMS status callbacks when a message is delivered', 'twilio-message-delivered', { method: 'hmac', preset: 'twilio' }],
  // Accents folded; words in other languages stay usable.
  ['Crear un webhook cuando se actualiza la historia clínica del paciente', 'historia-clinica-updated', { method: 'hmac' }],
  ['Webhook für Überweisungen, wenn eine Überweisung erstellt wird', 'uberweisung-created', { method: 'hmac' }],
];

describe('drafting a webhook from a description', () => {
  for (const [description, slug, auth] of TABLE) {
    it(`drafts ${slug} from "${description.slice(0, 60)}"`, () => {
      const draft = drafted(description);
      expect(draft.slug).toBe(slug);
      expect(draft.auth).toEqual(auth);
      expect(draft.slug).toMatch(SLUG_PATTERN);
      expect(draft.slug.length).toBeLessThanOrEqual(48);
      expect(draft.notes.length).toBeGreaterThan(0);
    });
  }

  it('names the EHR example as a person would and says what it guessed', () => {
    const draft = drafted("Create a webhook so our EHR system can notify us when a patient's chart is updated.");
    expect(draft.name).toBe('EHR chart updated');
    expect(draft.notes.join(' ')).toMatch(/default Standard Webhooks HMAC/);
    expect(draft.notes.join(' ')).toMatch(/No sample payload/);
    expect(draft.sample_payload).toBeNull();
    expect(draft.schema).toBeNull();
  });

  it('picks the preset of each of the fourteen senders it is told about', () => {
    const named: Record<(typeof PRESET_NAMES)[number], string> = {
      'standard-webhooks': 'Standard Webhooks',
      stripe: 'Stripe',
      github: 'GitHub',
      shopify: 'Shopify',
      slack: 'Slack',
      twilio: 'Twilio',
      zoom: 'Zoom',
      meta: 'Meta',
      square: 'Square',
      paddle: 'Paddle',
      linear: 'Linear',
      hubspot: 'HubSpot',
      twitch: 'Twitch',
      intercom: 'Intercom',
    };
    for (const preset of PRESET_NAMES) {
      const draft = drafted(`Add a webhook for ${named[preset]} events when a subscription is renewed`);
      expect(draft.auth, preset).toEqual({ method: 'hmac', preset });
      expect(draft.notes[1], preset).toContain(`the ${preset} preset`);
    }
  });

  it('does not take an ordinary word for a company', () => {
    expect(drafted('Tell us when a square meter price is updated').auth).toEqual({ method: 'hmac' });
    expect(drafted('Notify us when the linear regression job is completed').auth).toEqual({ method: 'hmac' });
  });

  it('flags auth none as not recommended', () => {
    const draft = drafted('Internal job runner, no auth, when a batch is completed');
    expect(draft.auth).toEqual({ method: 'none' });
    expect(draft.warnings.join(' ')).toMatch(/Not recommended/);
    expect(draft.notes.join(' ')).toMatch(/Not recommended/);
  });

  it('takes JSON written in the text as the sample payload and infers its schema', () => {
    const draft = drafted('The EHR sends JSON like this: {"patient_id": "p1", "event": "chart_updated", "updated_fields": ["allergies"]} when a chart changes.');
    expect(draft.slug).toBe('ehr-chart-changed');
    expect(draft.sample_payload).toEqual({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });
    expect(draft.schema).toMatchObject({ type: 'object', properties: { patient_id: { type: 'string' }, updated_fields: { type: 'array' } } });
    expect(draft.notes.join(' ')).toMatch(/Sample payload taken from the JSON/);
  });

  it('reads JSON pasted with typographic quotes', () => {
    const draft = drafted('Orders arrive like {“order_id”: 7, “total”: 12.5} when an order is paid');
    expect(draft.sample_payload).toEqual({ order_id: 7, total: 12.5 });
  });

  it('prefers a sample given beside the text over JSON in it', () => {
    const draft = drafted('Chart updates like {"a": 1}', { b: 'x' });
    expect(draft.sample_payload).toEqual({ b: 'x' });
    expect(draft.schema).toMatchObject({ properties: { b: { type: 'string' } } });
  });

  it('ignores braces that are not JSON', () => {
    const draft = drafted('When a {patient} record is updated in the EHR');
    expect(draft.sample_payload).toBeNull();
    expect(draft.slug).toBe('ehr-patient-record-updated');
  });

  it('takes a short first line as the title', () => {
    const draft = drafted('Lab results ready\nSent by the LIS when a panel is final.');
    expect(draft.name).toBe('Lab results ready');
    expect(draft.slug).toBe('lab-results-ready');
  });

  it('keeps slugs short however long the text is', () => {
    const draft = drafted(`When a ${'very '.repeat(200)}important extraordinarily complicated multidisciplinary consultation note is updated`);
    expect(draft.slug.length).toBeLessThanOrEqual(48);
    expect(draft.slug).toMatch(/-updated$/);
  });

  it('drafts text in a script without Latin letters with a placeholder slug, not a refusal', () => {
    const draft = drafted('Создайте вебхук для карт пациентов');
    expect(draft.slug).toBe('webhook');
    expect(draft.name).toBe('Создайте вебхук для карт пациентов');
    expect(draft.notes.join(' ')).toMatch(/choose a slug/);
  });

  it('refuses empty or useless text, saying what to add', () => {
    for (const text of ['', '   \n ', 'Create a webhook.', 'please add an endpoint', '!!! ???', '12345']) {
      const outcome = draftWebhook({ description: text });
      expect(outcome.ok, text).toBe(false);
      if (!outcome.ok) {
        expect(outcome.refusal.path).toBe('/description');
        expect(outcome.refusal.message).toMatch(/e\.g\. "Create a webhook so our EHR system/);
      }
    }
  });

  it('never throws, whatever the text', () => {
    // A fixed-seed generator: the same strings every run, so a failure reproduces.
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = 'abcXYZ {}[]":,\'’-_.\n\t0123456789éüßЖ漢😀\\webhook when updated hmac header X-Sig ';
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(next() * 120);
      let text = '';
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(next() * alphabet.length)] ?? '';
      const outcome = draftWebhook({ description: text });
      if (outcome.ok) expect(outcome.draft.slug).toMatch(SLUG_PATTERN);
    }
  });
});
