/** The control API on `api.{RUNTIME_DOMAIN}`, under /v1. */
import { Hono } from 'hono';
import { onProblem, problemResponse } from '../http/problem';
import type { ControlDeps, ControlEnv } from './context';
import { eventsRoutes } from './events-routes';
import { requireToken } from './require-token';

export function createControlApp(_deps: ControlDeps) {
  const app = new Hono<ControlEnv>();
  app.use('/v1/*', requireToken);
  app.route('/v1/events', eventsRoutes);
  app.notFound(() => problemResponse('not-found', 'No such control API route. See GET /v1/openapi.json.'));
  app.onError(onProblem);
  return app;
}
