/**
 * Creating a webhook by describing it: `/webhooks/new` takes the words (and optionally a sample
 * payload) → `POST /webhooks/new` asks the control API for a draft and shows it for review, every
 * field editable → `POST /webhooks` creates it and answers with the one page that shows the
 * generated secret. That page is the POST's own response, not a redirect: a redirect target would
 * have to keep the secret somewhere to show it, and it must be kept nowhere.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { CreatedWebhook, WebhookDraft } from '../../control/responses';
import { PRESET_NAMES } from '../../signatures/presets';
import type { ApiProblem, FieldError } from '../api-client';
import { authLabel, type AuthSummary } from '../components/auth-method';
import { Copyable } from '../components/copy-button';
import { ProblemNotice } from '../components/problem-notice';
import { SecretOnce } from '../components/secret-once';
import type { ConsoleEnv } from '../context';
import { CsrfField } from '../csrf';
import { renderPage } from '../layout';

/** What the review form holds: the draft as the person last edited it, as text. */
interface ReviewFields {
  name: string;
  slug: string;
  description: string;
  /** `draft`, `hmac`, `preset:<name>`, `header`, `bearer` or `none`. */
  authChoice: string;
  /** The draft's own auth config as JSON: what `draft` stands for. */
  draftAuth: string;
  authHeader: string;
  sample: string;
  schema: string;
  notes: string[];
  warnings: string[];
}

type Form = Record<string, string | File | (string | File)[]>;

function text(form: Form, key: string): string {
  const value = form[key];
  return typeof value === 'string' ? value : '';
}

function pretty(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** JSON typed into a textarea: empty is absent; anything else must parse. */
function parseJsonField(raw: string, path: string): { ok: true; value: unknown } | { ok: false; error: FieldError } {
  if (raw.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, error: { path, message: 'This is not valid JSON. Check quotes around keys and strings, and commas between fields.' } };
  }
}

function localProblem(errors: FieldError[]): ApiProblem {
  return { code: 'invalid-request', title: 'Some fields need attention', status: 400, detail: 'Nothing was sent: fix the fields below first.', errors };
}

const DescribeForm: FC<{ csrf: string; description: string; sample: string }> = ({ csrf, description, sample }) => (
  <form method="post" action="/webhooks/new" class="stack">
    <CsrfField token={csrf} />
    <div class="field">
      <label for="description">What should this webhook receive?</label>
      <textarea id="description" name="description" required aria-describedby="description-hint">
        {description}
      </textarea>
      <p id="description-hint" class="hint">
        Say who sends it and what happened, e.g. “Create a webhook so our EHR system can notify us when a patient’s chart is updated.” Naming a provider
        (Stripe, GitHub, Shopify…) picks its signature scheme.
      </p>
    </div>
    <div class="field">
      <label for="sample_payload">Sample payload (optional JSON)</label>
      <textarea id="sample_payload" name="sample_payload" aria-describedby="sample-hint">
        {sample}
      </textarea>
      <p id="sample-hint" class="hint">
        One request body the sender would post. The payload schema is inferred from it; without it the webhook accepts any JSON object.
      </p>
    </div>
    <div>
      <button type="submit">Draft the webhook</button>
    </div>
  </form>
);

const AUTH_CHOICES: { value: string; label: string }[] = [
  { value: 'hmac', label: 'HMAC, Standard Webhooks (recommended default)' },
  ...PRESET_NAMES.filter((p) => p !== 'standard-webhooks').map((p) => ({ value: `preset:${p}`, label: `HMAC, ${p} preset` })),
  { value: 'header', label: 'Shared token in a header' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'none', label: 'None: anyone with the URL can send (not recommended)' },
];

function draftAuthLabel(draftAuth: string): string {
  try {
    return authLabel(JSON.parse(draftAuth) as AuthSummary);
  } catch {
    return 'as drafted';
  }
}

const ReviewForm: FC<{ csrf: string; fields: ReviewFields }> = ({ csrf, fields }) => (
  <form method="post" action="/webhooks" class="stack">
    <CsrfField token={csrf} />
    <input type="hidden" name="draft_auth" value={fields.draftAuth} />
    {fields.notes.length > 0 && (
      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading">What the draft guessed</h2>
        <ul>
          {fields.notes.map((n) => (
            <li>{n}</li>
          ))}
        </ul>
      </section>
    )}
    {fields.warnings.map((w) => (
      <p class="warning" role="note">
        {w}
      </p>
    ))}
    <div class="field">
      <label for="name">Name</label>
      <input id="name" name="name" type="text" value={fields.name} required />
    </div>
    <div class="field">
      <label for="slug">Slug</label>
      <input id="slug" name="slug" type="text" value={fields.slug} required aria-describedby="slug-hint" />
      <p id="slug-hint" class="hint">
        The last part of the webhook’s URL: lowercase letters, digits and hyphens, unique in your org.
      </p>
    </div>
    <div class="field">
      <label for="description">Description</label>
      <textarea id="description" name="description">{fields.description}</textarea>
    </div>
    <div class="field">
      <label for="auth_choice">Authentication</label>
      <select id="auth_choice" name="auth_choice" aria-describedby="auth-hint">
        <option value="draft" selected={fields.authChoice === 'draft'}>
          {`As drafted: ${draftAuthLabel(fields.draftAuth)}`}
        </option>
        {AUTH_CHOICES.map((choice) => (
          <option value={choice.value} selected={fields.authChoice === choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <p id="auth-hint" class="hint">
        How the sender proves a request is theirs. For HMAC, header and bearer the service generates the secret and shows it once, right after creation; where a provider issues its own secret (Stripe, GitHub…), the next page says where to add it.
      </p>
    </div>
    <div class="field">
      <label for="auth_header">Header name (only for “Shared token in a header”)</label>
      <input id="auth_header" name="auth_header" type="text" value={fields.authHeader} placeholder="X-Hasp-Token" />
    </div>
    <div class="field">
      <label for="schema">Payload schema (JSON Schema)</label>
      <textarea id="schema" name="schema" aria-describedby="schema-hint">
        {fields.schema}
      </textarea>
      <p id="schema-hint" class="hint">
        Requests whose body does not match are refused with every failing path. Leave empty to infer it from the sample below, or, with no sample, to accept any
        JSON object.
      </p>
    </div>
    <div class="field">
      <label for="sample_payload">Sample payload (JSON)</label>
      <textarea id="sample_payload" name="sample_payload">{fields.sample}</textarea>
    </div>
    <div>
      <button type="submit">Create webhook</button> <a href="/webhooks/new">Start over</a>
    </div>
  </form>
);

/** The review form's auth choice as the API's auth config; a field error when it cannot be one. */
function authFrom(fields: ReviewFields): { ok: true; auth: unknown } | { ok: false; error: FieldError } {
  const choice = fields.authChoice;
  if (choice === 'draft') {
    const parsed = parseJsonField(fields.draftAuth, '/auth');
    return parsed.ok ? { ok: true, auth: parsed.value } : { ok: false, error: { path: '/auth', message: 'The drafted authentication was lost; pick one from the list.' } };
  }
  if (choice === 'hmac') return { ok: true, auth: { method: 'hmac' } };
  if (choice.startsWith('preset:')) return { ok: true, auth: { method: 'hmac', preset: choice.slice('preset:'.length) } };
  if (choice === 'header') {
    const header = fields.authHeader.trim();
    if (header === '') return { ok: false, error: { path: '/auth/header', message: 'Name the header the sender puts its token in, e.g. X-Hasp-Token.' } };
    return { ok: true, auth: { method: 'header', header } };
  }
  if (choice === 'bearer' || choice === 'none') return { ok: true, auth: { method: choice } };
  return { ok: false, error: { path: '/auth', message: 'Pick an authentication method from the list.' } };
}

function reviewFieldsFromForm(form: Form): ReviewFields {
  return {
    name: text(form, 'name'),
    slug: text(form, 'slug'),
    description: text(form, 'description'),
    authChoice: text(form, 'auth_choice') || 'draft',
    draftAuth: text(form, 'draft_auth'),
    authHeader: text(form, 'auth_header'),
    sample: text(form, 'sample_payload'),
    schema: text(form, 'schema'),
    notes: [],
    warnings: [],
  };
}

/** The POST's own answer: the only page that can show the generated secret. */
const WebhookCreated: FC<{ created: CreatedWebhook }> = ({ created }) => (
  <>
    <h1>Webhook {created.name} is created</h1>
    <section aria-labelledby="url-heading">
      <h2 id="url-heading">Where the sender posts</h2>
      {[created.url, ...created.urls].map((url, i) => (
        <p>
          <Copyable id={`created-url-${i}`} value={url} label="Copy URL" />
        </p>
      ))}
      <p>Authentication: {authLabel(created.auth)}</p>
    </section>
    {created.secret !== undefined && <SecretOnce secret={created.secret} heading="Signing secret: copy it now" id="created-secret" />}
    {created.next_step && (
      <p class="warning" role="note">
        <strong>Next step:</strong> {created.next_step}
      </p>
    )}
    <p>
      <a href={`/webhooks/${created.id}`}>Go to the webhook’s page</a> · <a href="/">All webhooks</a>
    </p>
  </>
);

function describePage(c: Context<ConsoleEnv>, opts: { description?: string; sample?: string; problem?: ApiProblem }) {
  return renderPage(c, { title: 'New webhook', current: 'new-webhook', status: opts.problem ? (opts.problem.status === 422 ? 422 : 400) : 200 }, (
    <>
      <h1>Describe a new webhook</h1>
      {opts.problem && <ProblemNotice problem={opts.problem} heading="The draft could not be made" nextStep="Add what is missing below and draft again." />}
      <DescribeForm csrf={c.var.session.csrfToken} description={opts.description ?? ''} sample={opts.sample ?? ''} />
    </>
  ));
}

function reviewPage(c: Context<ConsoleEnv>, fields: ReviewFields, problem?: ApiProblem) {
  const status = problem === undefined ? 200 : problem.status === 409 ? 409 : problem.status === 422 ? 422 : 400;
  return renderPage(c, { title: 'Review the draft', current: 'new-webhook', status }, (
    <>
      <h1>Review the draft</h1>
      <p>Nothing is created until you press “Create webhook”. Change any field first.</p>
      {problem && <ProblemNotice problem={problem} heading="The webhook was not created" />}
      <ReviewForm csrf={c.var.session.csrfToken} fields={fields} />
    </>
  ));
}

export const newWebhookRoutes = new Hono<ConsoleEnv>();

newWebhookRoutes.get('/webhooks/new', (c) => describePage(c, {}));

newWebhookRoutes.post('/webhooks/new', async (c) => {
  const form = await c.req.parseBody();
  const description = text(form, 'description');
  const sample = text(form, 'sample_payload');
  const parsedSample = parseJsonField(sample, '/sample_payload');
  if (!parsedSample.ok) return describePage(c, { description, sample, problem: localProblem([parsedSample.error]) });
  const body: Record<string, unknown> = { description };
  if (parsedSample.value !== undefined) body.sample_payload = parsedSample.value;
  const drafted = await c.var.api.post<WebhookDraft>('/v1/webhooks/draft', body);
  if (!drafted.ok) return describePage(c, { description, sample, problem: drafted.problem });
  const draft = drafted.data;
  return reviewPage(c, {
    name: draft.name,
    slug: draft.slug,
    description: draft.description,
    authChoice: 'draft',
    draftAuth: JSON.stringify(draft.auth),
    authHeader: 'header' in draft.auth ? draft.auth.header : '',
    sample: pretty(draft.sample_payload),
    schema: pretty(draft.schema),
    notes: draft.notes,
    warnings: draft.warnings,
  });
});

newWebhookRoutes.post('/webhooks', async (c) => {
  const fields = reviewFieldsFromForm(await c.req.parseBody());
  const errors: FieldError[] = [];
  const auth = authFrom(fields);
  if (!auth.ok) errors.push(auth.error);
  const schema = parseJsonField(fields.schema, '/schema');
  if (!schema.ok) errors.push(schema.error);
  const sample = parseJsonField(fields.sample, '/sample_payload');
  if (!sample.ok) errors.push(sample.error);
  if (!auth.ok || !schema.ok || !sample.ok) return reviewPage(c, fields, localProblem(errors));

  const body: Record<string, unknown> = { name: fields.name.trim(), slug: fields.slug.trim(), auth: auth.auth };
  if (fields.description.trim() !== '') body.description = fields.description.trim();
  // The API takes one of the two: an edited schema wins; the sample is the fallback to infer from.
  if (schema.value !== undefined) body.schema = schema.value;
  else if (sample.value !== undefined) body.sample_payload = sample.value;
  const created = await c.var.api.post<CreatedWebhook>('/v1/webhooks', body);
  if (!created.ok) return reviewPage(c, fields, created.problem);
  return renderPage(c, { title: `Created ${created.data.name}`, current: 'webhooks' }, <WebhookCreated created={created.data} />);
});
