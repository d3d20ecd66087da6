/**
 * `GET /feed.json?webhook_id=&after=`: what the live refresh polls. It passes on only how many
 * changes there were and the cursor to poll with next; the page then re-reads itself, so the
 * browser never gets feed data that the server-rendered page would not show anyway.
 */
import { Hono } from 'hono';
import type { FeedPage } from '../../control/responses';
import type { ConsoleEnv } from '../context';

export const feedRoutes = new Hono<ConsoleEnv>();

feedRoutes.get('/feed.json', async (c) => {
  const query = new URLSearchParams();
  const webhookId = c.req.query('webhook_id');
  const after = c.req.query('after');
  if (webhookId) query.set('webhook_id', webhookId);
  if (after) query.set('after', after);
  query.set('limit', after ? '100' : '1');
  const page = await c.var.api.get<FeedPage>(`/v1/feed?${query}`);
  if (!page.ok) return c.json({ error: page.problem.code, detail: page.problem.detail }, page.status === 404 ? 404 : 502);
  return c.json({ changes: page.data.data.length, next_cursor: page.data.next_cursor });
});
