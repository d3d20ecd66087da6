/**
 * What the console's live view, its chart and `hasp events tail` read: `GET /v1/feed` (changes,
 * oldest first, after a cursor) and `GET /v1/events/stats` (accepted and refused per hour).
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { placementOf, projectLog } from '../../shared/eventlog/client';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, errorPaths, sendToWebhook, type EventView, type WebhookBody } from '../helpers/control-api';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';
import type { FeedItem, FeedPage } from '../../shared/control/responses';



async function chartWebhook(project: TestProject): Promise<WebhookBody & { secret: string }> {
  const hook = await createWebhookViaApi(project.token, { name: `feed ${crypto.randomUUID().slice(0, 6)}`, sample_payload: CHART_SAMPLE });
  if (hook.secret === undefined) throw new Error('no generated secret');
  return { ...hook, secret: hook.secret };
}

async function feed(project: TestProject, query = ''): Promise<FeedPage> {
  const response = await api<FeedPage>(project.token, 'GET', `/v1/feed${query}`);
  expect(response.status).toBe(200);
  return response.body;
}

/** Polls the feed after `cursor` until `done` holds for what arrived, as a tail does. */
async function tailUntil(project: TestProject, cursor: string, done: (items: FeedItem[]) => boolean, what: string, query = ''): Promise<{ items: FeedItem[]; cursor: string }> {
  const items: FeedItem[] = [];
  let next = cursor;
  await waitFor(async () => {
    const page = await feed(project, `?after=${next}${query}`);
    items.push(...page.data);
    next = page.next_cursor;
    return done(items);
  }, what);
  return { items, cursor: next };
}

const label = (item: FeedItem) => (item.kind === 'event' ? `event:${item.event.id}:${item.event.status}:${item.event.runs.length}` : `refusal:${item.refusal.reason}`);

describe('GET /v1/feed', () => {
  it('follows events as they are dispatched and again as their runs change, and refusals with the request kept for replay', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const empty = await feed(project);
    expect(empty).toEqual({ data: [], has_more: false, next_cursor: '0' });

    await createWorkflowViaApi(project.token, { name: 'first', triggers: [{ webhook_id: hook.id }] });
    const eventId = await sendToWebhook(hook, hook.secret, CHART_SAMPLE);
    const dispatched = await tailUntil(project, empty.next_cursor, (items) => items.some((i) => i.kind === 'event' && i.event.status === 'dispatched'), 'the event dispatched');
    const seen = dispatched.items.find((i): i is Extract<FeedItem, { kind: 'event' }> => i.kind === 'event');
    // The same view as GET /v1/events/{id}.
    expect(seen?.event).toEqual((await api<EventView>(project.token, 'GET', `/v1/events/${eventId}`)).body);
    expect(seen?.event.runs).toHaveLength(1);

    expect((await postSigned(hook.url, hook.secret, { ...CHART_SAMPLE, updated_fields: 'x' })).status).toBe(400);
    const refused = await tailUntil(project, dispatched.cursor, (items) => items.some((i) => i.kind === 'refusal'), 'the refusal');
    const refusal = refused.items.find((i): i is Extract<FeedItem, { kind: 'refusal' }> => i.kind === 'refusal')?.refusal;
    expect(refusal).toMatchObject({ webhook_id: hook.id, reason: 'schema-mismatch', http_status: 400, count: 1, request_id: expect.stringMatching(/^req_/) });
    const kept = await waitFor(async () => {
      const response = await api<{ id: string }>(project.token, 'GET', `/v1/rejections/${refusal?.request_id ?? ''}`);
      return response.status === 200 && response.body;
    }, 'the kept request the refusal names');
    expect(kept.id).toBe(refusal?.request_id);

    // Nothing new: an empty page and the same cursor to poll with.
    expect(await feed(project, `?after=${refused.cursor}`)).toEqual({ data: [], has_more: false, next_cursor: refused.cursor });

    // A second workflow and a replay: the event comes round again, now with two runs.
    await createWorkflowViaApi(project.token, { name: 'second', triggers: [{ webhook_id: hook.id }] });
    expect((await api(project.token, 'POST', `/v1/events/${eventId}/replay`)).status).toBe(202);
    const again = await tailUntil(project, refused.cursor, (items) => items.some((i) => i.kind === 'event' && i.event.runs.length === 2), 'the event with two runs');
    expect(again.items.map(label)).toEqual([`event:${eventId}:dispatched:2`]);
    await dispatchedEvent(project.token, eventId, 2);

    // Without a cursor, the last changes, oldest first, each row once as it is now.
    const last = await feed(project, '?limit=10');
    expect(last.data.map(label)).toEqual(['refusal:schema-mismatch', `event:${eventId}:dispatched:2`]);
    expect(last.next_cursor).toBe(again.cursor);
    expect(Number(last.data[0]?.cursor)).toBeLessThan(Number(last.data[1]?.cursor));
  });

  it('filters by webhook, pages with has_more, and rejects a cursor it did not give', async () => {
    const project = await createProject();
    const a = await chartWebhook(project);
    const b = await chartWebhook(project);
    const ids = [await sendToWebhook(a, a.secret, CHART_SAMPLE), await sendToWebhook(b, b.secret, CHART_SAMPLE), await sendToWebhook(a, a.secret, CHART_SAMPLE)];
    for (const id of ids) await dispatchedEvent(project.token, id);

    const onlyA = await feed(project, `?after=0&webhook_id=${a.id}`);
    expect(onlyA.data.map((i) => (i.kind === 'event' ? i.event.id : i.refusal.id)).sort()).toEqual([ids[0], ids[2]].sort());
    const first = await feed(project, '?after=0&limit=2');
    expect([first.data.length, first.has_more]).toEqual([2, true]);
    const rest = await feed(project, `?after=${first.next_cursor}&limit=2`);
    expect([rest.data.length, rest.has_more]).toEqual([1, false]);
    expect(new Set([...first.data, ...rest.data].map((i) => i.cursor)).size).toBe(3);

    const other = await createProject();
    expect((await feed(other, '?after=0')).data).toEqual([]);
    const bad = await apiProblem(project.token, 'GET', '/v1/feed?after=abc');
    expect([bad.status, errorPaths(bad.body)]).toEqual([400, ['/after']]);
  });
});

describe('refusals in a burst', () => {
  it('reach the feed and the stats in full: those counted between writes are written when the interval ends', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const forger = 'whsec_' + btoa('z'.repeat(32));
    for (let i = 0; i < 3; i++) expect((await postSigned(hook.url, forger, CHART_SAMPLE)).status).toBe(401);
    // The first is written at once; the other two within FLUSH_INTERVAL_MS, with no refusal after them.
    const rows = await tailUntil(project, '0', (items) => items.reduce((n, i) => n + (i.kind === 'refusal' ? i.refusal.count : 0), 0) >= 3, 'all three refusals in the feed');
    expect(rows.items.map((i) => (i.kind === 'refusal' ? [i.refusal.reason, i.refusal.count] : null))).toEqual([
      ['bad-signature', 1],
      ['bad-signature', 2],
    ]);
    const stats = (await api<{ totals: { refused: number } }>(project.token, 'GET', `/v1/events/stats?webhook_id=${hook.id}&hours=1`)).body;
    expect(stats.totals.refused).toBe(3);
  });
});


describe('GET /v1/events/stats', () => {
  const HOUR = 3_600_000;

  interface Stats {
    from: string;
    to: string;
    hours: { hour: string; accepted: number; refused: number; refused_by_reason: Record<string, number> }[];
    totals: { accepted: number; refused: number };
    by_webhook: Record<string, { accepted: number; refused: number }>;
  }

  it('counts accepted and refused requests per hour, every hour present, with totals by webhook and refusals by reason', async () => {
    const project = await createProject();
    const a = await chartWebhook(project);
    const b = await chartWebhook(project);
    const sent = [await sendToWebhook(a, a.secret, CHART_SAMPLE), await sendToWebhook(a, a.secret, CHART_SAMPLE), await sendToWebhook(b, b.secret, CHART_SAMPLE)];
    for (const id of sent) await dispatchedEvent(project.token, id);
    expect((await postSigned(a.url, a.secret, { ...CHART_SAMPLE, updated_fields: 'x' })).status).toBe(400);
    expect((await postSigned(a.url, 'whsec_' + btoa('y'.repeat(32)), CHART_SAMPLE)).status).toBe(401);
    // Older rows, written as the fan-out and the ingress write them: three hours ago.
    const now = Date.now();
    const earlier = new Date(now - 3 * HOUR).toISOString();
    const log = projectLog(env, project.projectId);
    const old = { id: `evt_old_${crypto.randomUUID()}`, webhookId: b.id, deliveryId: null, receivedAt: earlier, sealedPayload: 'sealed', payloadKey: null, payloadExpiresAt: now + 30 * 86_400_000, metadataExpiresAt: now + 90 * 86_400_000 };
    await log.recordDispatch(await log.placeEvents([placementOf(old, 0)], now), [old], [], earlier);
    await log.recordRejections([{ id: `rej_old_${crypto.randomUUID()}`, webhookId: b.id, reason: 'invalid-json', httpStatus: 400, count: 4, firstAt: earlier, lastAt: earlier, detail: 'x', expiresAt: now + 86_400_000 }]);

    const stats = await waitFor(async () => {
      const response = await api<Stats>(project.token, 'GET', '/v1/events/stats');
      return response.status === 200 && response.body.totals.refused === 6 && response.body;
    }, 'both live refusals counted');
    expect(stats.hours).toHaveLength(24);
    for (const [i, h] of stats.hours.entries()) expect(Date.parse(h.hour)).toBe(Date.parse(stats.from) + i * HOUR);
    expect(Date.parse(stats.to) - Date.parse(stats.from)).toBe(24 * HOUR);
    const current = stats.hours[23];
    expect(current).toEqual({ hour: expect.any(String), accepted: 3, refused: 2, refused_by_reason: { 'schema-mismatch': 1, 'bad-signature': 1 } });
    expect(stats.hours[20]).toEqual({ hour: expect.any(String), accepted: 1, refused: 4, refused_by_reason: { 'invalid-json': 4 } });
    expect(stats.hours.filter((_hour, i) => i !== 20 && i !== 23).every((h) => h.accepted === 0 && h.refused === 0)).toBe(true);
    expect(stats.totals).toEqual({ accepted: 4, refused: 6 });
    expect(stats.by_webhook).toEqual({ [a.id]: { accepted: 2, refused: 2 }, [b.id]: { accepted: 2, refused: 4 } });

    const onlyB = (await api<Stats>(project.token, 'GET', `/v1/events/stats?webhook_id=${b.id}&hours=4`)).body;
    expect(onlyB.hours.map((h) => [h.accepted, h.refused])).toEqual([
      [1, 4],
      [0, 0],
      [0, 0],
      [1, 0],
    ]);
    expect(onlyB.by_webhook).toEqual({ [b.id]: { accepted: 2, refused: 4 } });

    const quiet = await createProject();
    const none = (await api<Stats>(quiet.token, 'GET', '/v1/events/stats?hours=2')).body;
    expect(none).toMatchObject({ totals: { accepted: 0, refused: 0 }, by_webhook: {} });
    expect(none.hours.map((h) => h.accepted + h.refused)).toEqual([0, 0]);
    for (const bad of ['0', '169', 'x']) {
      const problem = await apiProblem(project.token, 'GET', `/v1/events/stats?hours=${bad}`);
      expect([problem.status, errorPaths(problem.body)]).toEqual([400, ['/hours']]);
    }
  });
});
