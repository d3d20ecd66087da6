/** The control API on `api.{RUNTIME_DOMAIN}`, under /v1. */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { onProblem, problemResponse } from '../http/problem';
import { auditChanges } from './audit';
import { auditRoutes } from './audit-routes';
import { controlBodyLimit } from './body-limit';
import { AuthFailures } from './auth-failures';
import { projectDataKeys, type ControlDeps, type ControlEnv } from './context';
import { domainsRoutes } from './domains-routes';
import { eventsRoutes } from './events-routes';
import { feedRoutes } from './feed-routes';
import { issuesRoutes } from './issues-routes';
import { notificationChannelsRoutes } from './notification-channels-routes';
import { openApiDocument } from './openapi';
import { rejectionsRoutes } from './rejections-routes';
import { replaysRoutes } from './replays-routes';
import { requireToken } from './require-token';
import { ControlRoutes, type RouteDoc } from './route-doc';
import { schemaProposalsRoutes } from './schema-proposals-routes';
import { schemasRoutes } from './schemas-routes';
import { testEventRoutes } from './test-event-routes';
import { webhooksRoutes } from './webhooks-routes';
import { workflowsRoutes } from './workflows-routes';

export function createControlApp(deps: ControlDeps) {
  // Each area declares its routes once, docs with handlers, in the order the document lists them.
  const areas = [
    webhooksRoutes(deps),
    testEventRoutes(deps),
    schemasRoutes(),
    workflowsRoutes(deps),
    eventsRoutes(deps),
    rejectionsRoutes(deps),
    feedRoutes(),
    replaysRoutes(deps),
    domainsRoutes(deps),
    issuesRoutes(deps),
    notificationChannelsRoutes(deps),
    schemaProposalsRoutes(deps),
    auditRoutes(),
  ];
  const reference = new ControlRoutes().route(
    { method: 'get', path: '/v1/openapi.json', summary: 'This document: generated from the schemas that validate the requests', responses: { 200: 'OpenAPI 3.1' }, auth: false },
    (c) => c.json(openApiDocument(docs, new URL(c.req.url).origin)),
  );
  /** Every route served, documented as it was registered. */
  const docs: readonly RouteDoc[] = [...areas, reference].flatMap((area) => area.docs);

  const app = new Hono<ControlEnv>();
  // First of all, before the token check: an oversized Content-Length is refused by a header
  // comparison, without a D1 lookup of the token, and no body is ever read past the limit.
  app.use('/v1/*', controlBodyLimit);
  // Before the token check: the document is public, like any API reference.
  app.route('/', reference.app);
  // One count of wrong tokens per isolate, shared with the console's sign-in when the Worker passes it.
  app.use('/v1/*', requireToken(deps.authFailures ?? new AuthFailures()));
  app.use('/v1/*', projectDataKeys(deps));
  // Every route whose doc names an audit action is recorded here, after its handler answered.
  app.use('/v1/*', auditChanges(docs, deps));
  // Each area's routes carry their full paths (/v1/webhooks/:id), as their docs name them.
  for (const area of areas) app.route('/', area.app);
  app.notFound(() => problemResponse('not-found', 'No such control API route. See GET /v1/openapi.json.'));
  app.onError((err) => {
    // hono's JSON body parser throws this for a malformed body; it is the caller's mistake.
    if (err instanceof HTTPException && err.status === 400) return problemResponse('invalid-json', 'The request body is not valid JSON.');
    return onProblem(err);
  });
  return app;
}
