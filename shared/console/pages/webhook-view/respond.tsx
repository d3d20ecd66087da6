/**
 * How the webhook page answers an action, always with a 303 (post/redirect/get), so a reload never
 * repeats it: done, a one-time message and back to the page; refused, the refusal (the API's
 * answer, and the schema draft that was typed) kept for this session as a handoff
 * (../../handoffs.ts) and back to the page, which shows it at the API's status on every reload
 * until it expires. A secret made by the action goes to its own one-time page (./secret-page.tsx).
 */
import type { Context } from 'hono';
import type { ApiProblem } from '../../api-client';
import type { SchemaDraft } from '../../components/webhook/settings-forms';
import type { Notice, WebhookPageData } from '../../components/webhook/types';
import type { ConsoleEnv } from '../../context';
import { setFlash } from '../../flash';
import { sessionHandoffs, storedProblem } from '../../handoffs';
import { renderPage, type PageOptions } from '../../layout';
import { loadWebhookPage } from './load';
import { WebhookPage } from './page';

export type ViewContext = Context<ConsoleEnv>;
type PageStatus = NonNullable<PageOptions['status']>;

/** The statuses a refusal keeps; any other shows as 400. */
const PAGE_STATUSES: readonly PageStatus[] = [400, 401, 403, 404, 409, 422, 500, 502, 503];

export async function notFound(c: ViewContext): Promise<Response> {
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

/** The page as it stands now, with what the last action left: a refusal. */
export async function showPage(c: ViewContext, id: string, extra: { notice?: Notice; status?: PageStatus; schemaDraft?: SchemaDraft } = {}): Promise<Response> {
  const loaded = await loadWebhookPage(c.var.api, id);
  if (loaded === null) return notFound(c);
  // A secret is never shown here: it has its own one-time page (./secret-page.tsx).
  const data: WebhookPageData = { ...loaded, notice: extra.notice ?? null };
  return renderPage(
    c,
    { title: loaded.webhook.name, current: 'webhooks', status: extra.status ?? 200 },
    <WebhookPage data={data} csrf={c.var.session.csrfToken} schemaDraft={extra.schemaDraft} />,
  );
}

/** What a refused action leaves for the page: never a secret the person typed. */
interface Refusal {
  action: string;
  problem: ApiProblem;
  schemaDraft?: SchemaDraft;
}

function asRefusal(value: unknown): Refusal | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const problem = storedProblem(record.problem);
  if (typeof record.action !== 'string' || problem === null) return null;
  // Kept as the action gave it (the schema editor's own fields included), once it has the two every draft has.
  const draft = record.schemaDraft as Record<string, unknown> | undefined;
  const schemaDraft = typeof draft?.kind === 'string' && typeof draft.text === 'string' ? (draft as unknown as SchemaDraft) : undefined;
  return { action: record.action, problem, ...(schemaDraft === undefined ? {} : { schemaDraft }) };
}

/**
 * Refused: why `what` was refused (and the schema draft typed, to fix) kept for this session, and a
 * 303 to the page that shows it. A draft too large to keep is left out; the refusal still shows.
 */
export async function refused(c: ViewContext, id: string, what: string, problem: ApiProblem, schemaDraft?: SchemaDraft): Promise<Response> {
  const handoffs = sessionHandoffs(c);
  const refusal: Refusal = { action: what, problem, ...(schemaDraft === undefined ? {} : { schemaDraft }) };
  const ticket = (await handoffs.put('form', id, refusal)) ?? (await handoffs.put('form', id, { action: what, problem }));
  if (ticket === null) {
    setFlash(c, { kind: 'error', text: `${what}: refused. ${problem.detail}` });
    return c.redirect(`/webhooks/${id}`, 303);
  }
  return c.redirect(`/webhooks/${id}?refused=${ticket}`, 303);
}

/**
 * `GET /webhooks/:id`: the page, with the refusal `?refused=` names when it is this session's and
 * still kept (at the refused action's status); without it once it expired.
 */
export async function viewPage(c: ViewContext, id: string): Promise<Response> {
  const ticket = c.req.query('refused');
  const refusal = ticket === undefined ? null : asRefusal(await sessionHandoffs(c).read('form', id, ticket));
  if (refusal === null) return showPage(c, id);
  const status = PAGE_STATUSES.find((s) => s === refusal.problem.status) ?? 400;
  return showPage(c, id, {
    notice: { kind: 'problem', action: refusal.action, problem: refusal.problem },
    status,
    ...(refusal.schemaDraft === undefined ? {} : { schemaDraft: refusal.schemaDraft }),
  });
}

/** A problem the console itself finds in a form before calling the API. */
export function formProblem(detail: string, path: string, message: string): ApiProblem {
  return { code: 'invalid-request', title: 'Invalid request', status: 400, detail, errors: [{ path, message }] };
}

/** Success: a one-time message and back to the page (post/redirect/get). */
export function doneAndBack(c: ViewContext, id: string, text: string, anchor = ''): Response {
  setFlash(c, { kind: 'notice', text });
  return c.redirect(`/webhooks/${id}${anchor}`, 303);
}
