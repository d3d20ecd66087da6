/**
 * The webhook resource view (`/webhooks/:id`) and its actions. Every read and write goes through
 * the console's in-process API client, so each rule is the API's own: the page adds no check the
 * API lacks and skips none it has. Actions post here; a success redirects back with a flash
 * (post/redirect/get); a refusal renders the page again with the API's answer as the next step,
 * at the API's status. A rotated secret is shown only in the response of the rotation itself.
 */
import { Hono, type Context } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { ApiResult, ConsoleApi } from '../api-client';
import { RequestsPerHourChart, type HourCount } from '../chart';
import { Copyable } from '../components/copy-button';
import { AuthState, RotateSecretForm, SecretOnce } from '../components/webhook/auth-state';
import { HandlersTable } from '../components/webhook/handlers-table';
import { ActionNotice } from '../components/webhook/next-step';
import { KeptRequests, RecentEvents, RecentRefusals } from '../components/webhook/recent-activity';
import { SchemaTree } from '../components/webhook/schema-tree';
import { ControlsForm, DeleteForm, EnableForm, rateLimitText, SchemaChangeForm, TestEventForm } from '../components/webhook/settings-forms';
import type { ApiProblem, ConsoleWebhook, Handler, KeptRequest, Notice, RecentEvent, RecentRefusal, WebhookPageData } from '../components/webhook/types';
import { WebhookUrls } from '../components/webhook/webhook-urls';
import type { ConsoleEnv } from '../context';
import { setFlash } from '../flash';
import { renderPage, type PageOptions } from '../layout';
import type { JsonSchema } from '../../schema';

/** How many recent events and refusals the page lists. */
const RECENT = 10;
/** Ids as the API makes them (`wh_…`, `evt_…`, `req_…`): anything else is not worth a lookup. */
const ID = /^[a-z]{2,4}_[0-9a-z]{1,64}$/;

type ViewContext = Context<ConsoleEnv>;
type List<T> = { data: T[] };
type PageStatus = NonNullable<PageOptions['status']>;

function webhookIdOf(c: ViewContext): string | null {
  const id = c.req.param('id') ?? '';
  return ID.test(id) ? id : null;
}

function listOrNull<T>(result: ApiResult<List<T>>): T[] | null {
  return result.ok ? result.data.data : null;
}

/** The workflows listening to the webhook, each with its trigger's class and mapping. */
async function handlersOf(api: ConsoleApi, webhook: ConsoleWebhook): Promise<Handler[]> {
  type Workflow = { triggers: { webhook_id: string; class: 'A' | 'B'; mapping?: Record<string, string> }[] };
  return Promise.all(
    webhook.dependents.map(async (d) => {
      const workflow = await api.get<Workflow>(`/v1/workflows/${encodeURIComponent(d.id)}`);
      const trigger = workflow.ok ? workflow.data.triggers.find((t) => t.webhook_id === webhook.id) : undefined;
      return { id: d.id, name: d.name, enabled: d.enabled, class: trigger?.class ?? d.class, mapping: trigger?.mapping ?? null };
    }),
  );
}

/** Everything the page shows, read in parallel; a part whose endpoint fails shows as unavailable. */
async function loadPage(api: ConsoleApi, id: string): Promise<Omit<WebhookPageData, 'notice' | 'newSecret'> | null> {
  const found = await api.get<ConsoleWebhook>(`/v1/webhooks/${id}`);
  if (!found.ok) return null;
  const webhook = found.data;
  const [handlers, events, refusals, kept, stats] = await Promise.all([
    handlersOf(api, webhook),
    api.get<List<RecentEvent>>(`/v1/events?webhook_id=${id}&limit=${RECENT}`),
    api.get<List<RecentRefusal>>(`/v1/events?status=rejected&webhook_id=${id}&limit=${RECENT}`),
    api.get<List<KeptRequest>>(`/v1/rejections?webhook_id=${id}&limit=${RECENT}`),
    api.get<{ hours: HourCount[] }>(`/v1/events/stats?webhook_id=${id}&hours=24`),
  ]);
  return {
    webhook,
    handlers,
    events: listOrNull(events),
    refusals: listOrNull(refusals),
    kept: listOrNull(kept),
    hours: stats.ok ? stats.data.hours : null,
    workflowNames: new Map(handlers.map((h) => [h.id, h.name])),
  };
}

const Section: FC<{ id: string; title: string; children?: Child }> = ({ id, title, children }) => (
  <section id={id} aria-labelledby={`${id}-heading`}>
    <h2 id={`${id}-heading`}>{title}</h2>
    {children}
  </section>
);

function WebhookPage({ data, csrf, schemaDraft }: { data: WebhookPageData; csrf: string; schemaDraft?: { kind: string; text: string } }) {
  const { webhook } = data;
  return (
    // The live refresh (console.js) re-reads the regions marked data-live-region when the feed moves.
    <article class="webhook-view" data-live-feed={`/feed.json?webhook_id=${webhook.id}`}>
      <header class="page-header">
        <h1>{webhook.name}</h1>
        <p>
          <span class={webhook.enabled ? 'badge ok' : 'badge off'}>{webhook.enabled ? 'Enabled' : 'Disabled'}</span> <Copyable id="webhook-id" value={webhook.id} label="Copy id" />
        </p>
        {webhook.description === null ? null : <p class="description">{webhook.description}</p>}
      </header>
      {data.newSecret === null ? null : <SecretOnce secret={data.newSecret} label="Your new secret" />}
      <ActionNotice notice={data.notice} />
      <nav aria-label="On this page" class="page-toc">
        <ul>
          <li><a href="#urls">URLs</a></li>
          <li><a href="#auth">Authentication</a></li>
          <li><a href="#workflows">Workflows</a></li>
          <li><a href="#events">Events</a></li>
          <li><a href="#refusals">Refusals</a></li>
          <li><a href="#schema">Schema</a></li>
          <li><a href="#settings">Settings</a></li>
        </ul>
      </nav>
      <Section id="urls" title="Where senders post">
        <WebhookUrls url={webhook.url} urls={webhook.urls} />
      </Section>
      <Section id="auth" title="Authentication and secret">
        <AuthState auth={webhook.auth} awaitingSecret={webhook.awaiting_secret} secrets={webhook.secrets} />
        <details open={webhook.awaiting_secret}>
          <summary>Rotate the secret</summary>
          <RotateSecretForm webhookId={webhook.id} auth={webhook.auth} csrf={csrf} />
        </details>
      </Section>
      <Section id="traffic" title="Requests in the last 24 hours">
        <div id="live-traffic" data-live-region="">
          {data.hours === null ? <p>Request counts are not available just now; reload the page.</p> : <RequestsPerHourChart hours={data.hours} />}
        </div>
      </Section>
      <Section id="workflows" title="Workflows that handle its requests">
        <HandlersTable handlers={data.handlers} />
      </Section>
      <Section id="events" title="Recent events and their runs">
        <details>
          <summary>Send a signed test event</summary>
          <TestEventForm webhookId={webhook.id} csrf={csrf} canSign={webhook.auth.method === 'none' || !webhook.awaiting_secret} />
        </details>
        <div id="live-events" data-live-region="">
          <RecentEvents webhookId={webhook.id} events={data.events} workflowNames={data.workflowNames} csrf={csrf} />
        </div>
      </Section>
      <Section id="refusals" title="Recent refusals">
        <div id="live-refusals" data-live-region="">
          <RecentRefusals refusals={data.refusals} />
          <KeptRequests webhookId={webhook.id} kept={data.kept} csrf={csrf} />
        </div>
      </Section>
      <Section id="schema" title="Payload schema">
        <SchemaTree schema={webhook.schema as JsonSchema} />
        <details open={schemaDraft !== undefined}>
          <summary>Change the schema</summary>
          <SchemaChangeForm webhookId={webhook.id} csrf={csrf} draft={schemaDraft} />
        </details>
      </Section>
      <Section id="settings" title="Settings">
        <h3>Enabled</h3>
        <EnableForm webhook={webhook} csrf={csrf} />
        <h3>Rate limit and IP allowlist</h3>
        <ControlsForm webhook={webhook} csrf={csrf} />
        <h3>Delete</h3>
        <DeleteForm webhook={webhook} csrf={csrf} />
      </Section>
    </article>
  );
}

async function notFound(c: ViewContext): Promise<Response> {
  return renderPage(
    c,
    { title: 'Webhook not found', current: 'webhooks', status: 404 },
    <>
      <h1>No such webhook in this project</h1>
      <p>
        It may have been deleted, or it belongs to another project. See <a href="/">all webhooks</a>.
      </p>
    </>,
  );
}

/** The page as it stands now, with what the last action left: a refusal, or a secret made just now. */
async function showPage(c: ViewContext, extra: { notice?: Notice; newSecret?: string; status?: PageStatus; schemaDraft?: { kind: string; text: string } } = {}): Promise<Response> {
  const id = webhookIdOf(c);
  const loaded = id === null ? null : await loadPage(c.var.api, id);
  if (loaded === null) return notFound(c);
  const data: WebhookPageData = { ...loaded, notice: extra.notice ?? null, newSecret: extra.newSecret ?? null };
  return renderPage(
    c,
    { title: loaded.webhook.name, current: 'webhooks', status: extra.status ?? 200 },
    <WebhookPage data={data} csrf={c.var.session.csrfToken} schemaDraft={extra.schemaDraft} />,
  );
}

const PAGE_STATUSES: readonly PageStatus[] = [400, 401, 403, 404, 409, 422, 500, 502, 503];

/** The page again, showing why `action` was refused and what to do next. */
function refused(c: ViewContext, action: string, problem: ApiProblem, schemaDraft?: { kind: string; text: string }): Promise<Response> {
  const status = PAGE_STATUSES.find((s) => s === problem.status) ?? 400;
  return showPage(c, { notice: { kind: 'problem', action, problem }, status, ...(schemaDraft === undefined ? {} : { schemaDraft }) });
}

/** A problem the console itself finds in a form before calling the API. */
function formProblem(detail: string, path: string, message: string): ApiProblem {
  return { code: 'invalid-request', title: 'Invalid request', status: 400, detail, errors: [{ path, message }] };
}

/** Success: a one-time message and back to the page (post/redirect/get). */
function doneAndBack(c: ViewContext, id: string, text: string, anchor = ''): Response {
  setFlash(c, { kind: 'notice', text });
  return c.redirect(`/webhooks/${id}${anchor}`, 303);
}

/** `requests/period_seconds` from the rate-limit select; empty is no limit, anything else undefined. */
function parseRateLimit(value: string): { requests: number; period_seconds: number } | null | undefined {
  if (value.trim() === '') return null;
  const match = /^(\d{1,6})\/(\d{1,3})$/.exec(value.trim());
  return match === null ? undefined : { requests: Number(match[1]), period_seconds: Number(match[2]) };
}

async function formField(c: ViewContext, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === 'string' ? value : '';
}

/** A route handler for an action on the webhook named in the path. */
function action(handle: (c: ViewContext, id: string) => Promise<Response>) {
  return async (c: ViewContext) => {
    const id = webhookIdOf(c);
    if (id === null) return notFound(c);
    return handle(c, id);
  };
}

export const webhookViewRoutes = new Hono<ConsoleEnv>();

webhookViewRoutes.get('/', (c) => showPage(c));

webhookViewRoutes.post(
  '/rotate-secret',
  action(async (c, id) => {
    const secret = (await formField(c, 'secret')).trim();
    const overlap = Number(await formField(c, 'overlap_seconds'));
    const body = { ...(secret === '' ? {} : { secret }), ...(Number.isInteger(overlap) ? { overlap_seconds: overlap } : {}) };
    type Rotated = { secret?: string; previous_secrets_expire_at: string | null };
    const result = await c.var.api.post<Rotated>(`/v1/webhooks/${id}/rotate-secret`, body);
    if (!result.ok) return refused(c, 'Rotate the secret', result.problem);
    const until = result.data.previous_secrets_expire_at;
    const message = until === null ? 'Secret rotated. The previous secret no longer verifies.' : `Secret rotated. The previous secret keeps verifying until ${until.slice(0, 16).replace('T', ' ')} UTC.`;
    // A generated secret exists only in this answer: it is shown here, once, never redirected to.
    if (result.data.secret !== undefined) return showPage(c, { newSecret: result.data.secret, notice: { kind: 'done', message } });
    return doneAndBack(c, id, message, '#auth');
  }),
);

webhookViewRoutes.post(
  '/enabled',
  action(async (c, id) => {
    const enabled = (await formField(c, 'enabled')) === 'true';
    const result = await c.var.api.patch(`/v1/webhooks/${id}`, { enabled });
    if (!result.ok) return refused(c, enabled ? 'Enable the webhook' : 'Disable the webhook', result.problem);
    return doneAndBack(c, id, enabled ? 'Enabled: signed requests are accepted again.' : 'Disabled: its URL answers 404 until you enable it.');
  }),
);

webhookViewRoutes.post(
  '/controls',
  action(async (c, id) => {
    const rateLimit = parseRateLimit(await formField(c, 'rate_limit'));
    if (rateLimit === undefined) {
      return refused(c, 'Save the rate limit and IP allowlist', formProblem('Nothing was saved: the rate limit is not one the form offers.', '/rate_limit', 'Pick a limit from the list.'));
    }
    const ipAllowlist = (await formField(c, 'ip_allowlist'))
      .split(/[\s,]+/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    // The API checks the limit and the addresses; the form only turns text into its fields.
    const result = await c.var.api.patch(`/v1/webhooks/${id}`, { rate_limit: rateLimit, ip_allowlist: ipAllowlist });
    if (!result.ok) return refused(c, 'Save the rate limit and IP allowlist', result.problem);
    const limit = rateLimit === null ? 'no rate limit' : `at most ${rateLimitText(rateLimit)}`;
    const from = ipAllowlist.length === 0 ? 'from any address' : `from ${ipAllowlist.length} allowed address range${ipAllowlist.length === 1 ? '' : 's'}`;
    return doneAndBack(c, id, `Saved: ${limit}, ${from}.`, '#settings');
  }),
);

webhookViewRoutes.post(
  '/schema',
  action(async (c, id) => {
    const kind = (await formField(c, 'kind')) === 'schema' ? 'schema' : 'sample_payload';
    const text = await formField(c, 'text');
    const draft = { kind, text };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return refused(c, 'Change the schema', formProblem('The text is not valid JSON.', '/text', 'Check quotes, commas and brackets; a sample is one JSON object like {"id": "p1"}.'), draft);
    }
    const result = await c.var.api.patch(`/v1/webhooks/${id}`, { [kind]: value });
    if (!result.ok) return refused(c, 'Change the schema', result.problem, draft);
    return doneAndBack(c, id, kind === 'schema' ? 'Schema saved.' : 'Schema saved, inferred from your sample.', '#schema');
  }),
);

webhookViewRoutes.post(
  '/test-event',
  action(async (c, id) => {
    const text = (await formField(c, 'payload')).trim();
    let payload: unknown;
    if (text !== '') {
      try {
        payload = JSON.parse(text);
      } catch {
        return refused(c, 'Send a test event', formProblem('The payload is not valid JSON.', '/payload', 'Write one JSON object, or leave it empty to send the sample.'));
      }
    }
    type Answer = { status: number; body: unknown };
    const result = await c.var.api.post<Answer>(`/v1/webhooks/${id}/test-event`, payload === undefined ? {} : { payload });
    if (!result.ok) return refused(c, 'Send a test event', result.problem);
    const { status, body } = result.data;
    const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (status >= 200 && status < 300 && typeof answer.event_id === 'string') {
      return doneAndBack(c, id, `Test event accepted as ${answer.event_id}: its runs appear below once it is dispatched.`, '#events');
    }
    // The ingress refused it: its problem, as a sender would have read it.
    const detail = typeof answer.detail === 'string' ? answer.detail : `The ingress answered ${status}.`;
    return refused(c, 'Send a test event', { code: typeof answer.code === 'string' ? answer.code : 'internal', title: 'Refused', ...answer, status, detail });
  }),
);

webhookViewRoutes.post(
  '/events/:eventId/replay',
  action(async (c, id) => {
    const eventId = c.req.param('eventId') ?? '';
    if (!ID.test(eventId)) return notFound(c);
    const result = await c.var.api.post<{ workflows: string[] }>(`/v1/events/${eventId}/replay`);
    if (!result.ok) return refused(c, `Replay ${eventId}`, result.problem);
    const n = result.data.workflows.length;
    const text = n === 0 ? `Replay of ${eventId} queued: every workflow already has a run for it, so none starts again.` : `Replay of ${eventId} queued for ${n} workflow${n === 1 ? '' : 's'} without a run yet.`;
    return doneAndBack(c, id, text, '#events');
  }),
);

webhookViewRoutes.post(
  '/rejections/:requestId/replay',
  action(async (c, id) => {
    const requestId = c.req.param('requestId') ?? '';
    if (!ID.test(requestId)) return notFound(c);
    const result = await c.var.api.post<{ event_id: string }>(`/v1/rejections/${requestId}/replay`);
    if (!result.ok) return refused(c, `Replay ${requestId}`, result.problem);
    return doneAndBack(c, id, `${requestId} passes today’s checks: accepted as ${result.data.event_id}.`, '#events');
  }),
);

webhookViewRoutes.post(
  '/delete',
  action(async (c, id) => {
    const found = await c.var.api.get<ConsoleWebhook>(`/v1/webhooks/${id}`);
    if (!found.ok) return notFound(c);
    const confirm = (await formField(c, 'confirm')).trim();
    if (confirm !== found.data.slug) {
      return refused(c, 'Delete the webhook', formProblem('Nothing was deleted: the confirmation does not match.', 'confirm', `Type the slug ${found.data.slug} exactly.`));
    }
    const result = await c.var.api.delete(`/v1/webhooks/${id}`);
    if (!result.ok) return refused(c, 'Delete the webhook', result.problem);
    setFlash(c, { kind: 'notice', text: `Deleted ${found.data.name}: its URL answers 404 from now on.` });
    return c.redirect('/', 303);
  }),
);
