/**
 * The web console on `console.{RUNTIME_DOMAIN}` (`console.localhost:8787` under `npm run dev`):
 * server-rendered pages (hono JSX) over the control API, which each page calls in-process as the
 * signed-in session's API token (api-client.ts). Order of the layers, outermost first:
 * security headers on everything → form byte limit → static assets → sign-in (public) → session → CSRF → pages.
 */
import { Hono } from 'hono';
import { safeErrorText } from '../http/safe-error';
import { classifyHost, requestHost } from '../ingress/host';
import { CONSOLE_CSS } from './assets/console-css';
import { CONSOLE_JS } from './assets/console-js';
import { FAVICON_SVG } from './assets/favicon';
import type { ConsoleDeps, ConsoleEnv } from './context';
import { requireCsrf } from './csrf';
import { consoleFormLimitMiddleware } from './form-limit';
import { renderDocument } from './layout';
import { domainsRoutes } from './pages/domains';
import { feedRoutes } from './pages/feed';
import { issuesRoutes } from './pages/issues/routes';
import { newWebhookRoutes } from './pages/new-webhook';
import { signInRoutes, signOutRoutes } from './pages/sign-in';
import { webhookViewRoutes } from './pages/webhook-view/routes';
import { webhooksListRoutes } from './pages/webhooks-list';
import { workflowsRoutes } from './pages/workflows';
import { securityHeaders } from './security-headers';
import { requireSession } from './session';

export type { ConsoleDeps, ConsoleEnv } from './context';

export function createConsoleApp(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.use('*', securityHeaders);
  app.use('*', async (c, next) => {
    const target = classifyHost(requestHost(c.req.raw), { runtimeDomain: c.env.RUNTIME_DOMAIN, localSuffix: c.env.LOCAL_HOST_SUFFIX });
    c.set('local', target.kind === 'console' && target.local);
    await next();
  });
  // Before sign-in, the session and CSRF (which parses the form): no form is read past its limit.
  app.use('*', consoleFormLimitMiddleware);

  // Versionless, so cached briefly: a deploy reaches every open console within five minutes.
  const asset = (body: string, type: string) => () => new Response(body, { headers: { 'content-type': type, 'cache-control': 'public, max-age=300' } });
  app.get('/assets/console.js', asset(CONSOLE_JS, 'text/javascript; charset=utf-8'));
  app.get('/assets/console.css', asset(CONSOLE_CSS, 'text/css; charset=utf-8'));
  app.get('/assets/favicon.svg', asset(FAVICON_SVG, 'image/svg+xml'));
  app.get('/favicon.ico', asset(FAVICON_SVG, 'image/svg+xml'));

  app.route('/', signInRoutes(deps));

  // Everything below needs a live session; every state-changing request also its CSRF token.
  app.use('*', requireSession(deps));
  app.use('*', requireCsrf);
  app.route('/', signOutRoutes());
  app.route('/', feedRoutes);
  app.route('/', webhooksListRoutes);
  // Before the resource view: `/webhooks/new` is a page, not a webhook id.
  app.route('/', newWebhookRoutes);
  app.route('/workflows', workflowsRoutes);
  app.route('/issues', issuesRoutes);
  app.route('/domains', domainsRoutes);
  app.route('/webhooks/:id', webhookViewRoutes);

  app.notFound((c) =>
    renderDocument(
      c,
      { title: 'Not found', session: c.get('session') ?? null, status: 404 },
      <>
        <h1>Page not found</h1>
        <p>
          There is no console page at this address. <a href="/">Go to the webhooks list</a>.
        </p>
      </>,
    ),
  );
  app.onError((err, c) => {
    console.error('console error', safeErrorText(err));
    return renderDocument(
      c,
      { title: 'Something went wrong', session: c.get('session') ?? null, status: 500 },
      <>
        <h1>Something went wrong on our side</h1>
        <p>
          The page could not be shown. Nothing was changed by it. <a href="/">Go back to the console</a> and try again in a moment.
        </p>
      </>,
    );
  });
  return app;
}
