/**
 * Creating a webhook by describing it. Every step is a GET page and every form answers 303
 * (post/redirect/get), so a reload or the back button never drafts, creates or refuses twice:
 *
 * - `/webhooks/new` takes the words (and optionally a sample payload);
 * - `POST /webhooks/new` asks the control API for a draft, keeps it for this session as a form
 *   handoff (../handoffs.ts) and redirects to `/webhooks/new/review/:ticket`, every field editable;
 * - `POST /webhooks` creates it: with a generated secret, to the one-time secret page
 *   (webhook-view/secret-page.tsx); otherwise to the webhook's page, which says what comes next.
 *
 * A refusal (the console's own checks or the API's) keeps what was typed and why as a new handoff
 * and redirects to the page that shows it. A secret the person typed is never kept for a page: a
 * refused form asks for it again.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import * as v from 'valibot';
import type { CreatedWebhook, WebhookDraft } from '../../control/responses';
import { PRESET_NAMES, PRESETS, type PresetName } from '../../signatures/presets';
import type { ApiProblem, FieldError } from '../api-client';
import { authLabel, type AuthSummary } from '../components/auth-method';
import { ProblemNotice } from '../components/problem-notice';
import type { ConsoleEnv } from '../context';
import { CsrfField } from '../csrf';
import { setFlash } from '../flash';
import { sessionHandoffs, storedProblem } from '../handoffs';
import { renderPage } from '../layout';
import { redirectToSecret } from './webhook-view/secret-page';

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
  /** Other free slugs the draft proposes, offered as choices beside the slug. */
  alternatives: string[];
}

/** The review page's state, kept for the session between the POST and the page. */
interface ReviewState {
  fields: ReviewFields;
  /** Why the last "Create webhook" was refused; null for a fresh draft. */
  problem: ApiProblem | null;
  /** A secret was typed when it was refused: it was not kept, so the page asks for it again. */
  secretDropped: boolean;
  /** The schema and sample were too large to keep: the page asks for them again. */
  trimmed: boolean;
}

/** The describe page's state after a refused draft. */
interface DescribeState {
  description: string;
  sample: string;
  problem: ApiProblem;
}

/** Handoff subjects (../handoffs.ts): which page of this flow a kept state is for. */
const DESCRIBE = 'new-webhook';
const REVIEW = 'new-webhook/review';

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

/** The draft's other slugs: the API may have proposed one of them as the slug when the first was taken. */
function alternativesOf(draft: WebhookDraft): string[] {
  return draft.alternatives.filter((s) => s !== draft.slug);
}

const Strings = v.array(v.string());
const ReviewFieldsShape = v.object({
  name: v.string(),
  slug: v.string(),
  description: v.string(),
  authChoice: v.string(),
  draftAuth: v.string(),
  authHeader: v.string(),
  sample: v.string(),
  schema: v.string(),
  notes: Strings,
  warnings: Strings,
  alternatives: v.optional(Strings, []),
});
const ReviewStateShape = v.object({ fields: ReviewFieldsShape, problem: v.unknown(), secretDropped: v.boolean(), trimmed: v.boolean() });
const DescribeStateShape = v.object({ description: v.string(), sample: v.string(), problem: v.unknown() });

function asReviewState(value: unknown): ReviewState | null {
  const parsed = v.safeParse(ReviewStateShape, value);
  if (!parsed.success) return null;
  return { ...parsed.output, problem: storedProblem(parsed.output.problem) };
}

function asDescribeState(value: unknown): DescribeState | null {
  const parsed = v.safeParse(DescribeStateShape, value);
  const problem = parsed.success ? storedProblem(parsed.output.problem) : null;
  return parsed.success && problem !== null ? { ...parsed.output, problem } : null;
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

function isPresetName(name: unknown): name is PresetName {
  return typeof name === 'string' && (PRESET_NAMES as readonly string[]).includes(name);
}

/** The sender of an auth config when it issues the secret itself (Stripe, Shopify, Slack…); else null. */
function senderIssuing(auth: unknown): { label: string; location: string } | null {
  if (typeof auth !== 'object' || auth === null) return null;
  const preset = (auth as { preset?: unknown }).preset;
  if (!isPresetName(preset)) return null;
  const row = PRESETS[preset];
  return row.secretIssuedBy === 'sender' ? { label: row.label, location: row.secretLocation } : null;
}

/**
 * The secret field of the review form. The form has no script, so the field is always there; its
 * words follow the authentication chosen when the page was drawn (the drafted one at first).
 */
const SecretField: FC<{ fields: ReviewFields; dropped: boolean }> = ({ fields, dropped }) => {
  const auth = authFrom(fields);
  const sender = auth.ok ? senderIssuing(auth.auth) : null;
  return (
    <div class="field">
      <label for="secret">{sender === null ? 'Signing secret (optional)' : `Signing secret from ${sender.label}`}</label>
      <input id="secret" name="secret" type="password" autocomplete="off" aria-describedby="secret-hint" />
      <p id="secret-hint" class="hint">
        {dropped ? 'The secret you typed was not kept: type it again. ' : ''}
        {sender === null
          ? 'Leave it empty and the service generates one and shows it once, on the next page. Paste one only if the sender already has a secret for this webhook; where the sender issues it (Stripe, Shopify, Slack…), paste it here or add it later on the webhook’s page.'
          : `${sender.label} issues it. Where to find it: ${sender.location} If ${sender.label} shows it only once the URL is registered there, leave this empty: the webhook is created awaiting it, refuses every request until then, and its page has the form to add it.`}
      </p>
    </div>
  );
};

const ReviewForm: FC<{ csrf: string; ticket: string; state: ReviewState }> = ({ csrf, ticket, state }) => {
  const { fields } = state;
  return (
    <form method="post" action="/webhooks" class="stack">
      <CsrfField token={csrf} />
      <input type="hidden" name="review" value={ticket} />
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
      {state.trimmed && (
        <p class="warning" role="note">
          The schema and sample payload were too large to keep for this page: paste them again below.
        </p>
      )}
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
      {fields.alternatives.length > 0 && (
        // The draft's other free slugs as choices, with no script; the last choice keeps the field above.
        <fieldset>
          <legend>Or take another free one the draft proposes</legend>
          {fields.alternatives.map((alternative) => (
            <label>
              <input type="radio" name="slug_choice" value={alternative} /> <code>{alternative}</code>
            </label>
          ))}
          <label>
            <input type="radio" name="slug_choice" value="" checked /> Keep the one typed above
          </label>
        </fieldset>
      )}
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
          How the sender proves a request is theirs. For HMAC, header and bearer the service generates the secret and shows it once, right after creation;
          where a provider issues its own secret (Stripe, Shopify…), paste it below.
        </p>
      </div>
      <div class="field">
        <label for="auth_header">Header name (only for “Shared token in a header”)</label>
        <input id="auth_header" name="auth_header" type="text" value={fields.authHeader} placeholder="X-Hasp-Token" />
      </div>
      <SecretField fields={fields} dropped={state.secretDropped} />
      <div class="field">
        <label for="schema">Payload schema (JSON Schema)</label>
        <textarea id="schema" name="schema" aria-describedby="schema-hint">
          {fields.schema}
        </textarea>
        <p id="schema-hint" class="hint">
          Requests whose body does not match are refused with every failing path. Leave empty to infer it from the sample below, or, with no sample, to accept
          any JSON object.
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
};

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

/** The form as typed; `kept` carries what the form does not post (the draft's notes and offers). */
function reviewFieldsFromForm(form: Form, kept: Pick<ReviewFields, 'notes' | 'warnings' | 'alternatives'>): ReviewFields {
  const choice = text(form, 'slug_choice').trim();
  return {
    name: text(form, 'name'),
    // A slug picked from the draft's offers wins over the field; the page shows it in the field after.
    slug: choice === '' ? text(form, 'slug') : choice,
    description: text(form, 'description'),
    authChoice: text(form, 'auth_choice') || 'draft',
    draftAuth: text(form, 'draft_auth'),
    authHeader: text(form, 'auth_header'),
    sample: text(form, 'sample_payload'),
    schema: text(form, 'schema'),
    ...kept,
  };
}

/** What the webhook's page says first after it was created without a secret to show. */
function createdText(created: CreatedWebhook, secretGiven: boolean): string {
  const sender = senderIssuing(created.auth);
  const who = sender?.label ?? 'the sender';
  if (created.awaiting_secret) {
    return `Webhook ${created.name} is created. ${who} issues its signing secret: register the URL below with ${who}, then paste the secret in the form under “Authentication and secret”. Until then every request is refused.`;
  }
  if (secretGiven) return `Webhook ${created.name} is created with the secret from ${who}: requests made with it are accepted.`;
  if (created.auth.method === 'none') return `Webhook ${created.name} is created. Authentication is off: anyone with its URL can send events.`;
  return `Webhook ${created.name} is created.`;
}

function describePage(c: Context<ConsoleEnv>, state: Partial<DescribeState>) {
  return renderPage(c, { title: 'New webhook', current: 'new-webhook', status: state.problem ? (state.problem.status === 422 ? 422 : 400) : 200 }, (
    <>
      <h1>Describe a new webhook</h1>
      {state.problem && <ProblemNotice problem={state.problem} heading="The draft could not be made" nextStep="Add what is missing below and draft again." />}
      <DescribeForm csrf={c.var.session.csrfToken} description={state.description ?? ''} sample={state.sample ?? ''} />
    </>
  ));
}

function reviewPage(c: Context<ConsoleEnv>, ticket: string, state: ReviewState) {
  const { problem } = state;
  const status = problem === null ? 200 : problem.status === 409 ? 409 : problem.status === 422 ? 422 : 400;
  return renderPage(c, { title: 'Review the draft', current: 'new-webhook', status }, (
    <>
      <h1>Review the draft</h1>
      <p>Nothing is created until you press “Create webhook”. Change any field first.</p>
      {problem && <ProblemNotice problem={problem} heading="The webhook was not created" />}
      <ReviewForm csrf={c.var.session.csrfToken} ticket={ticket} state={state} />
    </>
  ));
}

/** Keeps the describe form's state and sends the browser to the page that shows it. */
async function backToDescribe(c: Context<ConsoleEnv>, state: DescribeState): Promise<Response> {
  const handoffs = sessionHandoffs(c);
  const ticket = (await handoffs.put('form', DESCRIBE, state)) ?? (await handoffs.put('form', DESCRIBE, { ...state, sample: '' }));
  return c.redirect(ticket === null ? '/webhooks/new' : `/webhooks/new?refused=${ticket}`, 303);
}

/** Keeps the review form's state (never a typed secret) and sends the browser to the page that shows it. */
async function toReview(c: Context<ConsoleEnv>, state: ReviewState): Promise<Response> {
  const handoffs = sessionHandoffs(c);
  const ticket =
    (await handoffs.put('form', REVIEW, state)) ?? (await handoffs.put('form', REVIEW, { ...state, trimmed: true, fields: { ...state.fields, schema: '', sample: '' } }));
  if (ticket === null) throw new Error('a review state too large to keep');
  return c.redirect(`/webhooks/new/review/${ticket}`, 303);
}

export const newWebhookRoutes = new Hono<ConsoleEnv>();

newWebhookRoutes.get('/webhooks/new', async (c) => {
  const ticket = c.req.query('refused');
  const state = ticket === undefined ? null : asDescribeState(await sessionHandoffs(c).read('form', DESCRIBE, ticket));
  return describePage(c, state ?? {});
});

newWebhookRoutes.post('/webhooks/new', async (c) => {
  const form = await c.req.parseBody();
  const description = text(form, 'description');
  const sample = text(form, 'sample_payload');
  const parsedSample = parseJsonField(sample, '/sample_payload');
  if (!parsedSample.ok) return backToDescribe(c, { description, sample, problem: localProblem([parsedSample.error]) });
  const body: Record<string, unknown> = { description };
  if (parsedSample.value !== undefined) body.sample_payload = parsedSample.value;
  const drafted = await c.var.api.post<WebhookDraft>('/v1/webhooks/draft', body);
  if (!drafted.ok) return backToDescribe(c, { description, sample, problem: drafted.problem });
  const draft = drafted.data;
  return toReview(c, {
    fields: {
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
      alternatives: alternativesOf(draft),
    },
    problem: null,
    secretDropped: false,
    trimmed: false,
  });
});

newWebhookRoutes.get('/webhooks/new/review/:ticket', async (c) => {
  const ticket = c.req.param('ticket');
  const state = asReviewState(await sessionHandoffs(c).read('form', REVIEW, ticket));
  if (state !== null) return reviewPage(c, ticket, state);
  return renderPage(
    c,
    { title: 'Draft not found', current: 'new-webhook', status: 404 },
    <>
      <h1>This draft is no longer here</h1>
      <p>
        It was already used to create a webhook, or it expired (a draft is kept for an hour, for the session that made it). Nothing was created by opening
        this page. Find the webhook in <a href="/">the webhooks list</a>, or <a href="/webhooks/new">describe a new one</a>.
      </p>
    </>,
  );
});

newWebhookRoutes.post('/webhooks', async (c) => {
  const form = await c.req.parseBody();
  const handoffs = sessionHandoffs(c);
  const reviewTicket = text(form, 'review');
  // What the page showed beside the form: the draft's notes, warnings and other free slugs.
  const shown = reviewTicket === '' ? null : asReviewState(await handoffs.read('form', REVIEW, reviewTicket));
  const fields = reviewFieldsFromForm(form, { notes: shown?.fields.notes ?? [], warnings: shown?.fields.warnings ?? [], alternatives: shown?.fields.alternatives ?? [] });
  const secret = text(form, 'secret').trim();
  const refusedWith = (problem: ApiProblem) => toReview(c, { fields, problem, secretDropped: secret !== '', trimmed: false });

  const errors: FieldError[] = [];
  const auth = authFrom(fields);
  if (!auth.ok) errors.push(auth.error);
  const schema = parseJsonField(fields.schema, '/schema');
  if (!schema.ok) errors.push(schema.error);
  const sample = parseJsonField(fields.sample, '/sample_payload');
  if (!sample.ok) errors.push(sample.error);
  if (!auth.ok || !schema.ok || !sample.ok) return refusedWith(localProblem(errors));

  const body: Record<string, unknown> = { name: fields.name.trim(), slug: fields.slug.trim(), auth: auth.auth };
  if (fields.description.trim() !== '') body.description = fields.description.trim();
  // The API takes one of the two: an edited schema wins; the sample is the fallback to infer from.
  if (schema.value !== undefined) body.schema = schema.value;
  else if (sample.value !== undefined) body.sample_payload = sample.value;
  if (secret !== '') body.secret = secret;
  const created = await c.var.api.post<CreatedWebhook>('/v1/webhooks', body);
  if (!created.ok) return refusedWith(created.problem);
  // Used: going back to the review page says so instead of offering to create it again.
  if (reviewTicket !== '') await handoffs.drop(reviewTicket);
  const hook = created.data;
  if (hook.secret !== undefined) return redirectToSecret(c, hook.id, hook.secret, 'created');
  setFlash(c, { kind: 'notice', text: createdText(hook, secret !== '') });
  return c.redirect(`/webhooks/${hook.id}`, 303);
});
