/**
 * The frame of every console page: a skip link, the site header with its navigation and the
 * sign-out form, flash messages, then the page in `<main>`. `renderPage` is what routes call.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import { openIssueCount } from './components/issues/load';
import type { ConsoleEnv, ConsoleSession } from './context';
import { CsrfField } from './csrf';
import { takeFlash, type Flash } from './flash';

export type NavItem = 'webhooks' | 'new-webhook' | 'workflows' | 'issues' | 'domains';

export interface LayoutProps {
  title: string;
  /** Null on the sign-in page: no navigation, no sign-out. */
  session: Pick<ConsoleSession, 'orgSlug' | 'csrfToken'> | null;
  current?: NavItem;
  flash?: Flash | null;
  /** Open and acknowledged issues, shown beside "Issues"; null when unknown. */
  openIssues?: number | null;
  children?: Child;
}

const NAV: { item: NavItem; href: string; label: string }[] = [
  { item: 'webhooks', href: '/', label: 'Webhooks' },
  { item: 'new-webhook', href: '/webhooks/new', label: 'New webhook' },
  { item: 'workflows', href: '/workflows', label: 'Workflows' },
  { item: 'issues', href: '/issues', label: 'Issues' },
  { item: 'domains', href: '/domains', label: 'Domains' },
];

export const FlashMessage: FC<{ flash: Flash }> = ({ flash }) => (
  <div class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
    {flash.text}
  </div>
);

/** The open-issue count beside "Issues": its number, read out as "3 open"; nothing when there are none or it is unknown. */
const NavCount: FC<{ count: number | null | undefined }> = ({ count }) =>
  count === null || count === undefined || count === 0 ? null : (
    <span class="nav-count">
      {count}
      <span class="visually-hidden"> open</span>
    </span>
  );

export const Layout: FC<LayoutProps> = ({ title, session, current, flash, openIssues, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · HASP console`}</title>
      <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/assets/console.css" />
      <script src="/assets/console.js" defer></script>
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="site">
        <a class="brand" href="/">
          HASP console
        </a>
        {session && (
          <nav aria-label="Console">
            <ul>
              {NAV.map((n) => (
                <li>
                  <a href={n.href} aria-current={n.item === current ? 'page' : undefined}>
                    {n.label}
                    {n.item === 'issues' && <NavCount count={openIssues} />}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {session && (
          <div class="who">
            <span>
              Org <strong>{session.orgSlug}</strong>
            </span>
            <form method="post" action="/sign-out">
              <CsrfField token={session.csrfToken} />
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          </div>
        )}
      </header>
      <main id="main">
        {flash && <FlashMessage flash={flash} />}
        {children}
      </main>
      <footer class="site">
        <p>Signed-in sessions end after 2 hours idle or 12 hours in all. Times are UTC.</p>
      </footer>
    </body>
  </html>
);

export interface PageOptions {
  title: string;
  current?: NavItem;
  /** HTTP status of the page: e.g. 422 when it shows why a form was refused. */
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503;
}

/**
 * Renders `body` inside the Layout for the signed-in session (with the pending flash, if any) as a
 * complete HTML document. Routes without a session (sign-in) pass `session: null` to `Layout` via
 * `renderDocument` instead.
 */
export async function renderPage(c: Context<ConsoleEnv>, opts: PageOptions, body: Child): Promise<Response> {
  // The count is a courtesy: a page is never refused because issues could not be counted.
  const openIssues = await openIssueCount(c.env, c.var.session.projectId).catch(() => null);
  return renderDocument(c, { ...opts, session: c.var.session, openIssues }, body);
}

export async function renderDocument(c: Context<ConsoleEnv>, opts: PageOptions & { session: LayoutProps['session']; openIssues?: number | null }, body: Child): Promise<Response> {
  const page = (
    <Layout title={opts.title} session={opts.session} current={opts.current} flash={takeFlash(c)} openIssues={opts.openIssues ?? null}>
      {body}
    </Layout>
  );
  return c.html(html`<!DOCTYPE html>${page}`, opts.status ?? 200);
}
