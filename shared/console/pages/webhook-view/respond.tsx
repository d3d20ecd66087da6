/**
 * How the webhook page answers an action: done, a one-time message and a 303 back to the page
 * (post/redirect/get); refused, the page again at the API's status with the API's answer as the
 * next step, and what the person had typed. A secret made by the action is shown only in the
 * response of the action itself (`showPage` with `newSecret`), never redirected to.
 */
import type { Context } from 'hono';
import type { ApiProblem } from '../../api-client';
import type { SchemaDraft } from '../../components/webhook/settings-forms';
import type { Notice, WebhookPageData } from '../../components/webhook/types';
import type { ConsoleEnv } from '../../context';
import { setFlash } from '../../flash';
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

/** The page as it stands now, with what the last action left: a refusal, or a secret made just now. */
export async function showPage(c: ViewContext, id: string, extra: { notice?: Notice; newSecret?: string; status?: PageStatus; schemaDraft?: SchemaDraft } = {}): Promise<Response> {
  const loaded = await loadWebhookPage(c.var.api, id);
  if (loaded === null) return notFound(c);
  const data: WebhookPageData = { ...loaded, notice: extra.notice ?? null, newSecret: extra.newSecret ?? null };
  return renderPage(
    c,
    { title: loaded.webhook.name, current: 'webhooks', status: extra.status ?? 200 },
    <WebhookPage data={data} csrf={c.var.session.csrfToken} schemaDraft={extra.schemaDraft} />,
  );
}

/** The page again, showing why `what` was refused and what to do next. */
export function refused(c: ViewContext, id: string, what: string, problem: ApiProblem, schemaDraft?: SchemaDraft): Promise<Response> {
  const status = PAGE_STATUSES.find((s) => s === problem.status) ?? 400;
  return showPage(c, id, { notice: { kind: 'problem', action: what, problem }, status, ...(schemaDraft === undefined ? {} : { schemaDraft }) });
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
