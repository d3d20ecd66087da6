/**
 * The local fake of Cloudflare's custom-hostnames API (Cloudflare for SaaS), dev and tests only:
 * the service's CLOUDFLARE_API service binding reaches it, the `cloudflare` SDK drives it exactly
 * as it would api.cloudflare.com. The API is ./api-routes.ts, the controls ./control-routes.ts,
 * each zone's state ./fake-zone.ts, how a hostname activates ./lifecycle.ts.
 */
import { Hono } from 'hono';
import { apiFailure } from './api-errors';
import { api } from './api-routes';
import type { FakeEnv } from './config';
import { control } from './control-routes';

const app = new Hono<{ Bindings: FakeEnv }>();

app.route('/', api);
app.route('/__fake', control);

app.notFound((c) => (c.req.path.startsWith('/client/v4/') ? apiFailure('no_route') : c.json({ error: 'not a route of the fake' }, 404)));

// A bug in the fake answers as the API's server error would, so the caller sees a 500 it can name.
app.onError((err, c) => {
  console.error('cloudflare fake:', err);
  return c.req.path.startsWith('/client/v4/') ? apiFailure('internal') : c.json({ error: 'the fake failed; see its log' }, 500);
});

export { FakeZone } from './fake-zone';

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<FakeEnv>;
