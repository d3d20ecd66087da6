/**
 * `/domains`: the project's custom hostnames (enterprise orgs), each with its state in words, the
 * DNS records still to create and its actions, and the form that adds one. Every change goes
 * through the control API's `/v1/domains` (in-process, as the session's token), so the page adds no
 * rule of its own: the API validates the hostname, checks the plan and talks to Cloudflare.
 * Actions redirect back with a flash (post/redirect/get); a refused add renders the page again with
 * the API's answer beside the form, at the API's status, keeping what was typed.
 */
import { Hono, type Context } from 'hono';
import type { DomainView } from '../../domains/view';
import { AddHostnameForm, NotEnterprise, type AddAttempt } from '../components/domains/add-hostname';
import { DomainEntry, domainAnchor } from '../components/domains/domain-entry';
import { actionRefusalText } from '../components/domains/refusal-words';
import { ProblemNotice } from '../components/problem-notice';
import type { ConsoleEnv } from '../context';
import { setFlash } from '../flash';
import { renderPage, type PageOptions } from '../layout';

type DomainsContext = Context<ConsoleEnv>;
type PageStatus = NonNullable<PageOptions['status']>;

/** Anything else cannot be a hostname the API holds; it is not worth a call. */
const HOSTNAME_PARAM = /^[a-z0-9.-]{1,253}$/i;
const PAGE_STATUSES: readonly PageStatus[] = [400, 403, 404, 409, 422, 429, 502, 503];

function pageStatusOf(status: number): PageStatus {
  return PAGE_STATUSES.find((s) => s === status) ?? 400;
}

async function showDomains(c: DomainsContext, attempt: AddAttempt | null = null): Promise<Response> {
  const list = await c.var.api.get<{ data: DomainView[] }>('/v1/domains');
  if (!list.ok) {
    return renderPage(c, { title: 'Custom domains', current: 'domains', status: 502 }, (
      <>
        <h1>Custom domains</h1>
        <ProblemNotice problem={list.problem} nextStep="Reload the page in a moment." />
      </>
    ));
  }
  const domains = list.data.data;
  const notEnterprise = attempt?.problem.code === 'forbidden' ? attempt.problem : null;
  const csrf = c.var.session.csrfToken;
  return renderPage(c, { title: 'Custom domains', current: 'domains', status: attempt === null ? 200 : pageStatusOf(attempt.problem.status) }, (
    <>
      <h1>Custom domains</h1>
      <p>
        Receive webhooks on a hostname of your own, such as <code>https://api.example.com/webhooks/…</code>, beside the org’s own host. HASP sets each hostname up
        on Cloudflare; once you have created its DNS records and it is active, every webhook of the org answers there too.
      </p>
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">Add a hostname</h2>
        {notEnterprise ? <NotEnterprise problem={notEnterprise} orgSlug={c.var.session.orgSlug} /> : <AddHostnameForm csrf={csrf} attempt={attempt} />}
      </section>
      <section aria-labelledby="hostnames-heading">
        <h2 id="hostnames-heading">Hostnames of this project</h2>
        {domains.length === 0 ? (
          <p>No custom hostnames yet.</p>
        ) : (
          <>
            <p class="muted">HASP checks hostnames that are not active by itself, often at first and then less often; “Check now” checks one at once.</p>
            {domains.map((domain) => (
              <DomainEntry domain={domain} csrf={csrf} />
            ))}
          </>
        )}
      </section>
    </>
  ));
}

async function formField(c: DomainsContext, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === 'string' ? value : '';
}

/** Success lands on the hostname's entry, which shows its new state; a refusal on the top of the page, where its flash is. */
function backTo(c: DomainsContext, kind: 'notice' | 'error', text: string, hostname?: string): Response {
  setFlash(c, { kind, text });
  return c.redirect(kind === 'notice' && hostname !== undefined ? `/domains#${domainAnchor(hostname)}` : '/domains', 303);
}

/** A route handler for an action on the hostname named in the path. */
function onHostname(handle: (c: DomainsContext, hostname: string) => Promise<Response>) {
  return async (c: DomainsContext) => {
    const hostname = (c.req.param('hostname') ?? '').toLowerCase();
    if (!HOSTNAME_PARAM.test(hostname)) return backTo(c, 'error', 'There is no such hostname in this project. Nothing was changed.');
    return handle(c, hostname);
  };
}

export const domainsRoutes = new Hono<ConsoleEnv>();

domainsRoutes.get('/', (c) => showDomains(c));

domainsRoutes.post('/', async (c) => {
  const hostname = await formField(c, 'hostname');
  const added = await c.var.api.post<DomainView>('/v1/domains', { hostname });
  if (!added.ok) return showDomains(c, { hostname, problem: added.problem });
  const domain = added.data;
  // 200: this project already had it (a resent form); the API created nothing twice.
  const lead = added.status === 200 ? `${domain.hostname} was already added.` : `Added ${domain.hostname}.`;
  return backTo(c, 'notice', `${lead} ${domain.status_text}`, domain.hostname);
});

domainsRoutes.post(
  '/:hostname/verify',
  onHostname(async (c, hostname) => {
    const checked = await c.var.api.post<DomainView>(`/v1/domains/${encodeURIComponent(hostname)}/verify`);
    if (!checked.ok) return backTo(c, 'error', actionRefusalText('check', hostname, checked.problem));
    const domain = checked.data;
    const urls = domain.status === 'active' ? ' Its webhook URLs are listed on each webhook’s page.' : '';
    return backTo(c, 'notice', `Checked ${domain.hostname} just now. ${domain.status_text}${urls}`, domain.hostname);
  }),
);

domainsRoutes.post(
  '/:hostname/remove',
  onHostname(async (c, hostname) => {
    const confirm = (await formField(c, 'confirm')).trim().toLowerCase().replace(/\.$/, '');
    if (confirm !== hostname) return backTo(c, 'error', `Nothing was removed: type the hostname ${hostname} exactly to confirm.`);
    const removed = await c.var.api.delete(`/v1/domains/${encodeURIComponent(hostname)}`);
    if (!removed.ok) return backTo(c, 'error', actionRefusalText('remove', hostname, removed.problem));
    return backTo(c, 'notice', `Removed ${hostname}, here and at Cloudflare. Webhooks are no longer served there; you may delete its DNS records.`);
  }),
);
