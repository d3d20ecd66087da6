/**
 * The webhook's own switches: enabled, rate limit and IP allowlist, and its payload schema. Each is
 * a form posting to the console route that calls the same PATCH the API offers; a schema change is
 * checked against the workflows that handle the webhook before it is saved.
 */
import type { FC } from 'hono/jsx';
import type { RateLimit, WebhookView } from '../../../control/responses';
import { RATE_LIMIT_LADDER } from '../../../ingress/rate-limit';
import type { BrokenDependent, JsonSchema } from '../../../schema';
import { exampleOf } from '../../../schema/example';
import type { ApiProblem } from '../../api-client';
import { CsrfField } from '../../csrf';
import { workflowHref } from '../../pages/workflows/links';
import { ProblemNotice } from '../problem-notice';
import { SchemaTree } from './schema-tree';

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

/** What the compatibility check said about a proposed schema, before anything was saved. */
export interface SchemaPreview {
  /** The schema the text gives (for a sample, the schema inferred from it). */
  schema: JsonSchema;
  /** How many workflows handle the webhook: each was checked. */
  checked: number;
  /** The workflows the change would break, each with the input fields it would lose. */
  broken: BrokenDependent[];
}

/**
 * A schema change as the person typed it: shown again with its check, or when the API refused it.
 * `fixFor` is the kept refused request the text was proposed to admit (`req_…`), and `fixSteps`
 * what that fix changes, in words.
 */
export interface SchemaDraft {
  kind: string;
  text: string;
  preview?: SchemaPreview;
  /** The check itself was refused (not JSON, not a schema the API would store). */
  problem?: ApiProblem;
  fixFor?: string;
  fixSteps?: string[];
}

/** Text whose `backquoted` parts are names: each is shown as code. */
export const NamesAsCode: FC<{ text: string }> = ({ text }) => (
  <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>
);

/** The editor forms post here, each to its own place on the page: the answer scrolls to the form that asked. */
export function schemaEditorAction(webhookId: string, kind: 'schema' | 'sample_payload'): string {
  return `/webhooks/${webhookId}/schema#${kind === 'schema' ? 'schema-editor' : 'sample-editor'}`;
}

/** "Saving this would break: …", or "No dependent workflow breaks" with the Save button for exactly this text. */
const SchemaCheck: FC<{ webhookId: string; csrf: string; draft: SchemaDraft; preview: SchemaPreview }> = ({ webhookId, csrf, draft, preview }) => (
  <section class="schema-check" aria-labelledby={`schema-check-heading-${draft.kind}`}>
    {preview.broken.length > 0 ? (
      <div class="warning" role="status">
        <h4 id={`schema-check-heading-${draft.kind}`}>Saving this would break:</h4>
        <ul class="errors">
          {preview.broken.map((b) => (
            <li>
              <a href={workflowHref(b.workflowId)}>{b.name}</a> <code>{b.workflowId}</code>, which would lose:
              <ul>
                {b.unmet.map((u) => (
                  <li>
                    {u.field === '' ? null : (
                      <>
                        <code>{u.field}</code>:{' '}
                      </>
                    )}
                    {u.reason}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        <p>
          Nothing was saved. Keep the fields these workflows read (edit the text below and check again), or first change their mappings or detach this webhook from
          them.
        </p>
      </div>
    ) : (
      <div class="flash notice" role="status">
        <h4 id={`schema-check-heading-${draft.kind}`}>No dependent workflow breaks</h4>
        <p>
          {preview.checked === 0
            ? 'No workflow handles this webhook’s requests, so none can break.'
            : `Checked ${preview.checked} workflow${preview.checked === 1 ? '' : 's'} that handle${preview.checked === 1 ? 's' : ''} this webhook: each still gets the fields it needs.`}{' '}
          Nothing is saved until you press Save.
        </p>
        <form method="post" action={`/webhooks/${webhookId}/schema`} class="inline">
          <CsrfField token={csrf} />
          <input type="hidden" name="step" value="save" />
          <input type="hidden" name="kind" value={draft.kind} />
          <input type="hidden" name="text" value={draft.text} />
          {draft.fixFor === undefined ? null : <input type="hidden" name="fix_for" value={draft.fixFor} />}
          <button type="submit">Save this schema</button>
        </form>
      </div>
    )}
    <details>
      <summary>The fields this schema accepts</summary>
      <SchemaTree schema={preview.schema} showSample={false} />
    </details>
  </section>
);

/** One way to give the new schema (as JSON Schema, or as a sample to infer it from), checked before it is saved. */
const SchemaEditor: FC<{ webhookId: string; csrf: string; kind: 'schema' | 'sample_payload'; text: string; draft?: SchemaDraft }> = ({ webhookId, csrf, kind, text, draft }) => {
  const asSchema = kind === 'schema';
  const id = asSchema ? 'schema-text' : 'schema-sample';
  const mine = draft?.kind === kind ? draft : undefined;
  return (
    <div id={asSchema ? 'schema-editor' : 'sample-editor'}>
      <h3>{asSchema ? 'Edit the JSON Schema' : 'Or infer it from a sample payload'}</h3>
      {mine?.problem === undefined ? null : <ProblemNotice problem={mine.problem} heading="Check the schema: refused" />}
      {mine?.preview === undefined ? null : <SchemaCheck webhookId={webhookId} csrf={csrf} draft={mine} preview={mine.preview} />}
      <form method="post" action={schemaEditorAction(webhookId, kind)} class="stack">
        <CsrfField token={csrf} />
        <input type="hidden" name="kind" value={kind} />
        {mine?.fixFor === undefined ? null : <input type="hidden" name="fix_for" value={mine.fixFor} />}
        <label for={id}>{asSchema ? 'JSON Schema' : 'Sample payload (JSON)'}</label>
        <p class="hint" id={`${id}-help`}>
          {asSchema
            ? 'Starts as the schema in force. Fields and types as JSON Schema (type, properties, required, items, enum, format, bounds, pattern).'
            : 'Starts as the sample shown above. Fields and types are inferred from it; every field in it becomes required.'}
        </p>
        <textarea id={id} name="text" rows={asSchema ? 14 : 8} required spellcheck={false} aria-describedby={`${id}-help`}>
          {text}
        </textarea>
        <button type="submit" name="step" value="check">
          {asSchema ? 'Check this schema' : 'Check the schema of this sample'}
        </button>
      </form>
    </div>
  );
};

/**
 * The schema editor: the schema in force and its sample, prefilled; a change is checked first
 * against every workflow that handles the webhook (the check the API runs on PATCH), and saved
 * from the check's answer. A fix proposed for a refused request arrives as a draft, with what it
 * changes in words.
 */
export const SchemaChangeForm: FC<{ webhookId: string; csrf: string; schema: JsonSchema; draft?: SchemaDraft }> = ({ webhookId, csrf, schema, draft }) => (
  <div class="schema-change">
    {draft?.fixFor === undefined || draft.fixSteps === undefined ? null : (
      <div class="flash notice" role="status">
        <p>
          {`Proposed so that ${draft.fixFor} is accepted: `}
          {draft.fixSteps.map((step, i) => (
            <>
              {i > 0 ? '; ' : null}
              <NamesAsCode text={step} />
            </>
          ))}
          .
        </p>
        <p>Check it below, save it, then replay the request under Recent refusals.</p>
      </div>
    )}
    <p class="muted">
      Workflows that handle this webhook keep working only if the fields they read stay. Check a change first: the check names each workflow it would break, and saves
      nothing.
    </p>
    <SchemaEditor webhookId={webhookId} csrf={csrf} kind="schema" text={draft?.kind === 'schema' ? draft.text : JSON.stringify(schema, null, 2)} draft={draft} />
    <SchemaEditor
      webhookId={webhookId}
      csrf={csrf}
      kind="sample_payload"
      text={draft?.kind === 'sample_payload' ? draft.text : JSON.stringify(exampleOf(schema), null, 2)}
      draft={draft}
    />
  </div>
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
