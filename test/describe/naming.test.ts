/**
 * The naming rules one by one: each `describe` is one rule of `{sender}-{thing}-{what happened}`,
 * so a rule that breaks names itself. The corpus (corpus.test.ts) measures them together.
 */
import { describe, expect, it } from 'vitest';
import { SLUG_PATTERN } from '../../shared/control/slug';
import { SLUG_BUDGET, draftWebhook, slugOf, type Draft } from '../../shared/describe/draft';

function drafted(description: string): Draft {
  const outcome = draftWebhook({ description });
  if (!outcome.ok) throw new Error(`refused: ${outcome.refusal.message}`);
  return outcome.draft;
}

function expectSlugs(table: readonly [string, string][]): void {
  for (const [description, slug] of table) expect(drafted(description).slug, description).toBe(slug);
}

describe('the sender, the thing, what happened: in that order', () => {
  it('puts the sender first wherever the text names it', () => {
    expectSlugs([
      ['Payment failed events from Stripe', 'stripe-payment-failed'],
      ['Shipment dispatched notifications from the warehouse system', 'warehouse-shipment-dispatched'],
      ["When a patient's chart is updated, our EHR tells us", 'ehr-chart-updated'],
      ['New orders from the POS', 'pos-orders-created'],
      ['HL7 ORU results from Quest', 'quest-lab-results'],
    ]);
  });

  it('finds the sender as the subject of "sends", "posts" or "notifies", or before "system" or "partner"', () => {
    expectSlugs([
      ['The immunization registry sends us a record when a vaccine is administered', 'immunization-registry-vaccine-administered'],
      ['Pharmacy notifies us when a prescription is filled', 'pharmacy-prescription-filled'],
      ['The warehouse management system sends shipment dispatched events', 'warehouse-management-shipment-dispatched'],
      ["We need a hook for the pharmacy partner: they'll let us know when a prescription has been dispensed", 'pharmacy-prescription-dispensed'],
    ]);
  });

  it('never says a word twice: a sender named like the thing gives way to it', () => {
    expectSlugs([
      ['Our referral partner notifies us when a referral is accepted', 'referral-accepted'],
      ['The lab system posts results when a lab result is ready', 'lab-result-ready'],
    ]);
  });

  it('takes a carrier or parent company only when no more specific sender is named', () => {
    expect(drafted('Clerk user.created via Svix')).toMatchObject({ slug: 'clerk-user-created', auth: { method: 'hmac', preset: 'standard-webhooks' } });
    expect(drafted('Meta webhooks for WhatsApp message status updates')).toMatchObject({ slug: 'whatsapp-message-status-updated', auth: { method: 'hmac', preset: 'meta' } });
    expect(drafted('Svix sends us customer events').slug).toBe('svix-customer-events');
  });
});

describe("the event's subject, not a side phrase", () => {
  it('keeps the noun the side phrases hang on', () => {
    expectSlugs([
      ['When lab results for a patient in the ICU are final', 'lab-results-final'],
      ['When an order for a patient at one of our clinics is cancelled', 'order-cancelled'],
      ['When the intake form on our website is submitted', 'intake-form-submitted'],
    ]);
  });

  it('reads "the status of a referral" as the referral status', () => {
    expectSlugs([
      ['When the status of a referral changes', 'referral-status-changed'],
      ['When the chart of a patient is updated', 'chart-updated'],
    ]);
  });

  it('names what a person acted on, not the person', () => {
    expectSlugs([
      ['When a customer disputes a charge in Stripe', 'stripe-charge-disputed'],
      ['Tell us when someone opens an issue in our GitHub repo', 'github-issue-opened'],
      ['When a patient signs the consent form', 'consent-form-signed'],
      ['When a customer replies to a conversation in Intercom', 'intercom-conversation-replied'],
    ]);
  });

  it('keeps the one who joins or signs up: that is what the event is about', () => {
    expectSlugs([
      ['When a participant joins a Zoom meeting', 'zoom-participant-joined'],
      ['When a user signs up in Clerk', 'clerk-user-signed-up'],
    ]);
  });

  it('reads the clause after "when", not the request around it', () => {
    expectSlugs([
      ['Our partners want to push referrals to us, and each time a referral gets accepted we should hear about it', 'referral-accepted'],
      ['The EHR will need to tell us every time a patient’s allergies are updated, which happens a lot', 'ehr-allergies-updated'],
    ]);
  });

  it('does not take signing with a secret for a document being signed', () => {
    expectSlugs([
      ['Signed by Zoom when a meeting starts', 'zoom-meeting-started'],
      ['Inventory sync signs the body with HMAC in X-Inventory-Signature when stock changes', 'inventory-sync-stock-changed'],
      ['Consent signed in DocuSign', 'docusign-consent-signed'],
    ]);
  });
});

describe('words that add nothing to a URL', () => {
  it('drops "webhook", "endpoint" and header names', () => {
    expectSlugs([
      ['Add a webhook endpoint for Shopify orders created', 'shopify-orders-created'],
      ['Webhook with header `X-Hub-Signature-256` for GitHub issues opened', 'github-issues-opened'],
    ]);
  });

  it('drops "events", "notifications" and "updates" once something specific happened', () => {
    expectSlugs([
      ['Stripe invoice paid notifications', 'stripe-invoice-paid'],
      ['GitHub check suite completed events', 'github-check-suite-completed'],
      ['Backup job failed alerts from the ops platform', 'ops-backup-job-failed'],
      ['Linear project updates', 'linear-project-updated'],
    ]);
  });

  it('keeps "events" when nothing specific happened, and adds none to a plain noun', () => {
    expectSlugs([
      ['Add a webhook endpoint for Stripe payment events.', 'stripe-payment-events'],
      ['GitHub push events', 'github-push-events'],
      ['Square payments', 'square-payments'],
      ['Refunds from Stripe', 'stripe-refunds'],
      ['Stripe', 'stripe-events'],
    ]);
  });
});

describe("the sender's own event vocabulary", () => {
  it('uses an event name written as the sender writes it', () => {
    expectSlugs([
      ['Stripe payment_intent.succeeded', 'stripe-payment-intent-succeeded'],
      ['Stripe checkout.session.completed events so we can fulfil orders', 'stripe-checkout-session-completed'],
      ['Shopify orders/paid', 'shopify-orders-paid'],
      ['Slack app_mention events when someone mentions our bot', 'slack-app-mention'],
      ['Webhook for GitHub workflow_run completed so we can track CI', 'github-workflow-run-completed'],
      ['invoice.paid', 'invoice-paid'],
    ]);
    expect(drafted('Stripe payment_intent.succeeded').name).toBe('Stripe payment_intent.succeeded');
  });

  it('takes no file, host or field name for an event', () => {
    expectSlugs([
      ['Send chart.json when a chart is updated', 'chart-updated'],
      ['Lab results with patient_id when they are final', 'lab-results-final'],
    ]);
  });

  it("uses a sender's names for its things: a GitHub PR is a pull request", () => {
    expectSlugs([
      ['GitHub PR merged', 'github-pull-request-merged'],
      ['Stripe checkout completed', 'stripe-checkout-session-completed'],
    ]);
  });

  it('reads HL7 ADT triggers, HL7 message types and X12 transaction sets', () => {
    expectSlugs([
      ['ADT discharge notifications (A03) from Epic', 'epic-patient-discharged'],
      ['ADT A01 admit messages from the hospital', 'hospital-patient-admitted'],
      ['Eligibility check responses from the clearinghouse (270/271)', 'clearinghouse-eligibility-response'],
    ]);
  });
});

describe('contractions and possessives read as words', () => {
  it('reads "they\'re", "it\'s" and "can\'t" as the words they stand for', () => {
    expectSlugs([
      ["The lab sends results when they're final", 'lab-results-final'],
      ["The lab sends results when it's final", 'lab-results-final'],
      ["The lab's system can't do OAuth, so they'll send a token in X-Lab-Token whenever a specimen is received", 'lab-specimen-received'],
    ]);
  });

  it("lets a possessive owner give way to what it owns, and offers it back as an alternative", () => {
    const draft = drafted("Create a webhook so our EHR system can notify us when a patient's chart is updated.");
    expect(draft.slug).toBe('ehr-chart-updated');
    expect(draft.alternatives[0]).toBe('ehr-patient-chart-updated');
  });

  it('reads French elisions as the word after the apostrophe', () => {
    expect(drafted("Quand l'ordonnance est annulée").slug).toBe('ordonnance-cancelled');
  });
});

describe('accents folded, other languages kept whole', () => {
  it('folds accents and keeps a compound with "de" whole', () => {
    expectSlugs([
      ['Avisar cuando se crea una orden de compra en SAP', 'sap-orden-de-compra-created'],
      ['Webhook pour les résultats de laboratoire disponibles', 'resultats-de-laboratoire-disponibles'],
      ['Webhook für Überweisungen, wenn eine Überweisung erstellt wird', 'uberweisung-created'],
    ]);
  });

  it('reads a verb of several words as one', () => {
    expectSlugs([
      ['Notificar cuando un paciente es dado de alta', 'paciente-discharged'],
      ['Mise à jour du dossier patient dans le DPI', 'dpi-dossier-patient-updated'],
      ['Hey team, the dispatch app should ping us whenever a driver picks up a sample', 'dispatch-sample-picked-up'],
    ]);
  });

  it('keeps a participle it does not know as written, rather than guessing', () => {
    expectSlugs([
      ['Consentimiento firmado por el paciente', 'consentimiento-firmado'],
      ['Novo paciente cadastrado no sistema da clínica', 'clinica-paciente-cadastrado'],
    ]);
  });
});

describe('the slug budget', () => {
  it(`keeps every slug within ${SLUG_BUDGET} characters, whatever the text`, () => {
    const draft = drafted(`When a ${'very '.repeat(200)}important extraordinarily complicated multidisciplinary consultation note is updated`);
    expect(draft.slug.length).toBeLessThanOrEqual(SLUG_BUDGET);
    expect(draft.slug).toMatch(/-updated$/);
  });

  it('drops a whole part, the least specific first, rather than cutting one in half', () => {
    const slug = slugOf({ sender: 'sap', thing: ['purchasing-department', 'orden-de-compra', 'aprobacion'], action: 'created' });
    expect(slug).toBe('sap-orden-de-compra-aprobacion-created');
    const tight = slugOf({ sender: 'warehouse-management', thing: ['orden-de-compra-internacional-urgente'], action: 'created' });
    expect(tight).toBe('orden-de-compra-internacional-urgente-created');
  });
});

describe('alternatives', () => {
  it('offers up to three other valid slugs, best first, none the slug itself', () => {
    const draft = drafted("Create a webhook so our EHR system can notify us when a patient's chart is updated.");
    expect(draft.alternatives).toEqual(['ehr-patient-chart-updated', 'chart-updated', 'ehr-chart-events']);
  });

  it('offers the second thing that can happen and the second sender named', () => {
    expect(drafted('The scheduling app tells us when an appointment is cancelled or rescheduled').alternatives[0]).toBe('scheduling-appointment-rescheduled');
    expect(drafted("The EHR (it's Epic, by the way) tells us every time a patient's allergies are updated").alternatives).toContain('epic-allergies-updated');
  });

  it('keeps every alternative distinct, valid and within the budget', () => {
    for (const description of ['Stripe', 'Lab results', 'Stripe invoice.paid and invoice.payment_failed', `When a ${'long '.repeat(50)}thing is updated`]) {
      const draft = drafted(description);
      expect(new Set([draft.slug, ...draft.alternatives]).size, description).toBe(draft.alternatives.length + 1);
      for (const slug of draft.alternatives) {
        expect(slug).toMatch(SLUG_PATTERN);
        expect(slug.length).toBeLessThanOrEqual(SLUG_BUDGET);
      }
    }
    expect(drafted('Stripe invoice.paid and invoice.payment_failed').alternatives[0]).toBe('stripe-invoice-payment-failed');
  });
});

describe('deterministic, local and quick', () => {
  it('drafts the same webhook from the same text, every time', () => {
    const text = "Our EHR sends JSON like {\"patient_id\": \"p1\"} when a patient's chart is updated, signed with HMAC in X-Signature";
    expect(drafted(text)).toEqual(drafted(text));
  });

  it('drafts a 10,000-character description and adversarial ones quickly, without throwing', () => {
    const long = `When a patient's chart is updated in the EHR, ${'and the clinic wants to know about it because it matters, '.repeat(200)}`.slice(0, 10_000);
    expect(long.length).toBe(10_000);
    const adversarial = [
      long,
      '{'.repeat(10_000),
      '{"a":'.repeat(2_000),
      'when '.repeat(2_000),
      'a'.repeat(10_000),
      "'".repeat(10_000),
      'X-Sig-'.repeat(1_600),
      'a.b/c_d '.repeat(1_200),
      'refunds '.repeat(1_200),
      `${'lab '.repeat(2_000)}updated`,
      'é́́́́'.repeat(2_000),
      '😀 webhook '.repeat(900),
    ];
    for (const text of adversarial) {
      const started = performance.now();
      const outcome = draftWebhook({ description: text });
      const elapsed = performance.now() - started;
      // A loose bound on a shared, noisy machine: it catches quadratic work, not milliseconds.
      expect(elapsed, text.slice(0, 20)).toBeLessThan(50);
      if (outcome.ok) expect(outcome.draft.slug).toMatch(SLUG_PATTERN);
    }
  });
});
