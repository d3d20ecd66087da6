/**
 * The webhook's own switches: enabled, rate limit and IP allowlist, and its payload schema. Each is
 * a form posting to the console route that calls the same PATCH the API offers.
 */
import type { FC } from 'hono/jsx';
import { CsrfField } from '../../csrf';
import { RATE_LIMIT_LADDER } from '../../../ingress/rate-limit';
import type { RateLimit, WebhookView } from '../../../control/responses';

export const EnableForm: FC<{ webhook: WebhookView; csrf: string }> = ({ webhook, csrf }) => (
  <form method="post" action={`/webhooks/${webhook.id}/enabled`} class="stack">
    <CsrfField token={csrf} />
    <input type="hidden" name="enabled" value={webhook.enabled ? 'false' : 'true'} />
    <p>
      {webhook.enabled
        ? 'Enabled: requests to its URL are checked and accepted. Disabling makes the URL answer 404 until you enable it again.'
        : 'Disabled: its URL answers 404 and nothing is accepted. Enabling accepts signed requests again.'}
    </p>
    <button type="submit" class={webhook.enabled ? 'danger' : undefined}>
      {webhook.enabled ? 'Disable this webhook' : 'Enable this webhook'}
    </button>
  </form>
);

/** `10 requests per 10 seconds`: a rung of the rate-limit ladder in words. */
export function rateLimitText(limit: RateLimit): string {
  return `${limit.requests} requests per ${limit.period_seconds === 60 ? 'minute' : `${limit.period_seconds} seconds`}`;
}

/** The form value of a rung (`requests/period_seconds`); the save action reads it back (pages/webhook-view/actions/save-controls.ts). */
export function rateLimitValue(limit: RateLimit): string {
  return `${limit.requests}/${limit.period_seconds}`;
}

/**
 * Rate limit and IP allowlist (the API's `rate_limit` and `ip_allowlist`). The limits offered are
 * the API's ladder (one rate-limiting binding each), so the form cannot ask for one it refuses.
 */
export const ControlsForm: FC<{ webhook: WebhookView; csrf: string }> = ({ webhook, csrf }) => {
  const limit = webhook.rate_limit;
  const allowlist = webhook.ip_allowlist;
  const current = limit === null ? '' : rateLimitValue(limit);
  return (
    <form method="post" action={`/webhooks/${webhook.id}/controls`} class="stack">
      <CsrfField token={csrf} />
      <fieldset>
        <legend>Rate limit</legend>
        <p class="muted" id="rate-limit-help">
          Requests over the limit are refused with 429 and a Retry-After header, and counted under Refusals.
        </p>
        <label for="rate-limit">Allow at most</label>
        <select id="rate-limit" name="rate_limit" aria-describedby="rate-limit-help">
          <option value="" selected={limit === null}>
            no limit
          </option>
          {RATE_LIMIT_LADDER.map((rung) => {
            const value = rateLimitValue({ requests: rung.requests, period_seconds: rung.periodSeconds });
            return (
              <option value={value} selected={value === current}>
                {rateLimitText({ requests: rung.requests, period_seconds: rung.periodSeconds })}
              </option>
            );
          })}
        </select>
      </fieldset>
      <fieldset>
        <legend>IP allowlist</legend>
        <p class="muted" id="ip-allowlist-help">
          One address or CIDR range per line (IPv4 or IPv6), for example 203.0.113.0/24. Empty: any address may send. Requests from other addresses are refused with 403
          before their body is read.
        </p>
        <label for="ip-allowlist">Allowed addresses</label>
        <textarea id="ip-allowlist" name="ip_allowlist" rows={4} spellcheck={false} aria-describedby="ip-allowlist-help">
          {allowlist.join('\n')}
        </textarea>
      </fieldset>
      <button type="submit">Save rate limit and allowlist</button>
    </form>
  );
};

/** A schema change as the person typed it: kept to show again when the API refuses it. */
export interface SchemaDraft {
  kind: string;
  text: string;
}

/**
 * A new schema, given as a sample payload (inferred) or as JSON Schema. The API refuses a change
 * that would break a dependent workflow and names it; the page shows that as the next step.
 */
export const SchemaChangeForm: FC<{ webhookId: string; csrf: string; draft?: SchemaDraft }> = ({ webhookId, csrf, draft }) => (
  <form method="post" action={`/webhooks/${webhookId}/schema`} class="stack">
    <CsrfField token={csrf} />
    <fieldset>
      <legend>Change the schema from</legend>
      <label>
        <input type="radio" name="kind" value="sample_payload" checked={draft?.kind !== 'schema'} /> a sample payload (fields and types are inferred)
      </label>
      <label>
        <input type="radio" name="kind" value="schema" checked={draft?.kind === 'schema'} /> a JSON Schema
      </label>
    </fieldset>
    <label for="schema-text">JSON</label>
    <textarea id="schema-text" name="text" rows={8} required spellcheck={false}>
      {draft?.text ?? ''}
    </textarea>
    <p class="muted">Workflows that handle this webhook keep working only if the fields they read stay; a change that would break one is refused and names it.</p>
    <button type="submit">
      Save the schema
    </button>
  </form>
);

export const TestEventForm: FC<{ webhookId: string; csrf: string; canSign: boolean }> = ({ webhookId, csrf, canSign }) => (
  <form method="post" action={`/webhooks/${webhookId}/test-event`} class="stack">
    <CsrfField token={csrf} />
    <p>
      The service signs the payload with the current secret, as the sender would, and sends it through the real ingress: it is checked, accepted or refused, and
      starts runs like any other request.
    </p>
    <label for="test-event-payload">Payload (JSON; empty: the sample shown under Schema)</label>
    <textarea id="test-event-payload" name="payload" rows={5} spellcheck={false}></textarea>
    <button type="submit" disabled={!canSign}>
      Send a signed test event
    </button>
    {canSign ? null : <p class="muted">Add the sender’s secret first: there is nothing to sign with yet.</p>}
  </form>
);

/** Delete says what it will do, and why it is refused while workflows depend on the webhook. */
export const DeleteForm: FC<{ webhook: WebhookView; csrf: string }> = ({ webhook, csrf }) => (
  <form method="post" action={`/webhooks/${webhook.id}/delete`} class="stack">
    <CsrfField token={csrf} />
    <p>
      Deleting removes <strong>{webhook.name}</strong> and its secrets; its URL answers 404 from then on. Events already recorded stay until their retention ends.
    </p>
    {webhook.dependents.length > 0 ? (
      <p class="warning">{`Refused while ${webhook.dependents.length} workflow${webhook.dependents.length === 1 ? ' depends' : 's depend'} on it: ${webhook.dependents.map((d) => d.name).join(', ')}.`}</p>
    ) : null}
    <label for="delete-confirm">{`Type the slug ${webhook.slug} to confirm`}</label>
    <input id="delete-confirm" name="confirm" type="text" autocomplete="off" required />
    <button type="submit" class="danger">
      Delete this webhook
    </button>
  </form>
);
