/**
 * `/`: the project's webhooks, each with its URLs (to copy), auth method (`none` flagged), status,
 * open issues (a badge that reads as words, linking to them) and the last 24 hours' accepted and
 * refused requests.
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { ListPage, WebhookView } from '../../control/responses';
import { AuthMethod } from '../components/auth-method';
import { Copyable } from '../components/copy-button';
import { OpenIssuesBadge } from '../components/issues/issues-table';
import { ProblemNotice } from '../components/problem-notice';
import type { ConsoleEnv } from '../context';
import { loadDailyCounts, type DailyCounts } from '../daily-counts';
import { renderPage } from '../layout';

const PAGE_SIZE = 50;

const Status: FC<{ hook: WebhookView }> = ({ hook }) => (
  <>
    {hook.enabled ? <span class="badge ok">Enabled</span> : <span class="badge off">Disabled</span>}
    {hook.awaiting_secret && (
      <>
        {' '}
        <span class="badge bad">Awaiting the sender’s secret</span>
      </>
    )}
  </>
);

const WebhooksTable: FC<{ hooks: WebhookView[]; counts: DailyCounts | null }> = ({ hooks, counts }) => (
  <table>
    <caption class="visually-hidden">Webhooks of this project</caption>
    <thead>
      <tr>
        <th scope="col">Webhook</th>
        <th scope="col">URLs</th>
        <th scope="col">Auth</th>
        <th scope="col">Status</th>
        <th scope="col">Issues</th>
        <th scope="col">Accepted (24 h)</th>
        <th scope="col">Refused (24 h)</th>
      </tr>
    </thead>
    <tbody>
      {hooks.map((hook) => {
        const day = counts?.byWebhook.get(hook.id) ?? (counts ? { accepted: 0, refused: 0 } : null);
        return (
          <tr>
            <th scope="row">
              <a href={`/webhooks/${hook.id}`}>{hook.name}</a>
              <div class="muted mono">{hook.slug}</div>
            </th>
            <td>
              {[hook.url, ...hook.urls].map((url, i) => (
                <div>
                  <Copyable id={`url-${hook.id}-${i}`} value={url} label={`Copy URL of ${hook.slug}`} />
                </div>
              ))}
            </td>
            <td>
              <AuthMethod auth={hook.auth} />
            </td>
            <td>
              <Status hook={hook} />
            </td>
            <td>
              <OpenIssuesBadge webhookId={hook.id} count={hook.open_issues} />
            </td>
            <td>{day ? day.accepted : <span class="muted">n/a</span>}</td>
            <td>{day ? day.refused : <span class="muted">n/a</span>}</td>
          </tr>
        );
      })}
    </tbody>
  </table>
);

export const webhooksListRoutes = new Hono<ConsoleEnv>();

webhooksListRoutes.get('/', async (c) => {
  const cursor = c.req.query('cursor');
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) query.set('cursor', cursor);
  const [list, counts] = await Promise.all([c.var.api.get<ListPage<WebhookView>>(`/v1/webhooks?${query}`), loadDailyCounts(c.var.api)]);
  if (!list.ok) {
    return renderPage(c, { title: 'Webhooks', current: 'webhooks', status: list.status === 400 ? 400 : 502 }, (
      <>
        <h1>Webhooks</h1>
        <ProblemNotice problem={list.problem} nextStep="Reload the list from its first page." />
        <p>
          <a href="/">First page</a>
        </p>
      </>
    ));
  }
  const hooks = list.data.data;
  return renderPage(c, { title: 'Webhooks', current: 'webhooks' }, (
    <>
      <h1>Webhooks</h1>
      <p>
        <a class="button" href="/webhooks/new">
          New webhook
        </a>
      </p>
      {counts === null && <p class="muted">Request counts for the last 24 hours are not available right now.</p>}
      {hooks.length === 0 ? (
        <p>
          This project has no webhooks yet. <a href="/webhooks/new">Describe the first one</a> and the console drafts it for you.
        </p>
      ) : (
        <WebhooksTable hooks={hooks} counts={counts} />
      )}
      {list.data.has_more && list.data.next_cursor && (
        <nav aria-label="Pages">
          <a href={`/?cursor=${encodeURIComponent(list.data.next_cursor)}`}>Next page</a>
        </nav>
      )}
    </>
  ));
});
