/** The control API on `api.{RUNTIME_DOMAIN}`, under /v1. */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { onProblem, problemResponse } from '../http/problem';
import { auditChanges } from './audit';
import { AUDIT_ROUTES, auditRoutes } from './audit-routes';
import { controlBodyLimit } from './body-limit';
import { AuthFailures } from './auth-failures';
import { projectDataKeys, type ControlDeps, type ControlEnv } from './context';
import { DOMAIN_ROUTES, domainsRoutes } from './domains-routes';
import { EVENT_ROUTES, eventsRoutes } from './events-routes';
import { FEED_ROUTES, feedRoutes } from './feed-routes';
import { openApiDocument } from './openapi';
import { REJECTION_ROUTES, rejectionsRoutes } from './rejections-routes';
import { REPLAY_ROUTES, replaysRoutes } from './replays-routes';
import { requireToken } from './require-token';
import type { RouteDoc } from './route-doc';
import { SCHEMA_ROUTES, schemasRoutes } from './schemas-routes';
import { TEST_EVENT_ROUTES, testEventRoutes } from './test-event-routes';
import { WEBHOOK_ROUTES, webhooksRoutes } from './webhooks-routes';
import { WORKFLOW_ROUTES, workflowsRoutes } from './workflows-routes';

const OPENAPI_ROUTE: RouteDoc = {
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'This document: generated from the schemas that validate the requests',
  responses: { 200: 'OpenAPI 3.1' },
  auth: false,
};

/** Every documented route, in the order the document lists them. */
export const CONTROL_ROUTES: readonly RouteDoc[] = [
  ...WEBHOOK_ROUTES,
  ...TEST_EVENT_ROUTES,
  ...SCHEMA_ROUTES,
  ...WORKFLOW_ROUTES,
  ...EVENT_ROUTES,
  ...REJECTION_ROUTES,
  ...FEED_ROUTES,
  ...REPLAY_ROUTES,
  ...DOMAIN_ROUTES,
  ...AUDIT_ROUTES,
  OPENAPI_ROUTE,
];

export function createControlApp(deps: ControlDeps) {
  const app = new Hono<ControlEnv>();
  // First of all, before the token check: an oversized Content-Length is refused by a header
  // comparison, without a D1 lookup of the token, and no body is ever read past the limit.
  app.use('/v1/*', controlBodyLimit);
  // Before the token check: the document is public, like any API reference.
  app.get('/v1/openapi.json', (c) => c.json(openApiDocument(CONTROL_ROUTES, new URL(c.req.url).origin)));
  // One count of wrong tokens per isolate, shared with the console's sign-in when the Worker passes it.
  app.use('/v1/*', requireToken(deps.authFailures ?? new AuthFailures()));
  app.use('/v1/*', projectDataKeys(deps));
  // Every route whose doc names an audit action is recorded here, after its handler answered.
  app.use('/v1/*', auditChanges(CONTROL_ROUTES, deps));
  app.route('/v1/webhooks', webhooksRoutes(deps));
  app.route('/v1/webhooks', testEventRoutes(deps));
  app.route('/v1/schemas', schemasRoutes);
  app.route('/v1/workflows', workflowsRoutes(deps));
  app.route('/v1/events', eventsRoutes(deps));
  app.route('/v1/rejections', rejectionsRoutes(deps));
  app.route('/v1/feed', feedRoutes());
  app.route('/v1/replays', replaysRoutes(deps));
  app.route('/v1/domains', domainsRoutes(deps));
  app.route('/v1/audit', auditRoutes());
  app.notFound(() => problemResponse('not-found', 'No such control API route. See GET /v1/openapi.json.'));
  app.onError((err) => {
    // hono's JSON body parser throws this for a malformed body; it is the caller's mistake.
    if (err instanceof HTTPException && err.status === 400) return problemResponse('invalid-json', 'The request body is not valid JSON.');
    return onProblem(err);
  });
  return app;
}
