/**
 * `/v1/rejections`: requests that passed authentication but failed content type, parse or schema
 * are kept sealed for replay; once the schema is fixed, a replay runs the checks again and enqueues
 * the request as the event it would have been. A request that failed authentication is never kept.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { projectLog } from '../../shared/eventlog/client';
import { runRetention } from '../../shared/eventlog/retention';
import { asPrefixedId, eventIdForDelivery } from '../../shared/ids';
import { requestBodyKey } from '../../shared/ingress/kept-requests';
import { api, apiProblem, auditLog, createWebhookViaApi, dispatchedEvent, errorPaths, logStorageText, type EventView, type Page, type WebhookBody } from '../helpers/control-api';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';
import { post, postSigned, problemOf } from '../helpers/send';
import { waitFor } from '../helpers/wait';
import { firstRowInLog } from '../helpers/log-storage';
import type { KeptRequestView } from '../../shared/control/responses';

const DAY = 86_400_000;


/** The chart payload with `updated_fields` as one string: what the inferred schema refuses. */
function misshapen(extra: Record<string, unknown> = {}) {
  return { ...CHART_SAMPLE, updated_fields: 'allergies', ...extra };
}

/** The chart schema with `updated_fields` a string: the fix a person makes after seeing the refusals. */
const FIXED_SCHEMA = { ...CHART_SCHEMA, properties: { ...CHART_SCHEMA.properties, updated_fields: { type: 'string' } } };

async function chartWebhook(project: TestProject, extra: Record<string, unknown> = {}): Promise<WebhookBody & { secret: string }> {
  const hook = await createWebhookViaApi(project.token, { name: `kept ${crypto.randomUUID().slice(0, 6)}`, sample_payload: CHART_SAMPLE, ...extra });
  if (hook.secret === undefined) throw new Error('no generated secret');
  return { ...hook, secret: hook.secret };
}

/** The webhook's kept requests once `count` are there (the ingress writes them after its response). */
async function keptOf(project: TestProject, webhookId: string, count: number): Promise<KeptRequestView[]> {
  return waitFor(async () => {
    const page = await api<Page<KeptRequestView>>(project.token, 'GET', `/v1/rejections?webhook_id=${webhookId}`);
    return page.status === 200 && page.body.data.length === count && page.body.data;
  }, `${count} kept request(s) of ${webhookId}`);
}

async function onlyKept(project: TestProject, webhookId: string): Promise<KeptRequestView> {
  const [kept] = await keptOf(project, webhookId, 1);
  if (kept === undefined) throw new Error('no kept request');
  return kept;
}

describe('keeping refused requests', () => {
  it('keeps a schema mismatch with the event id its delivery id gives, replays it after the schema is fixed, and the event is dispatched under that id', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const deliveryId = `msg_${crypto.randomUUID()}`;
    const payload = misshapen();
    const refused = await postSigned(hook.url, hook.secret, payload, { id: deliveryId });
    expect(refused.status).toBe(400);
    expect(errorPaths(await problemOf(refused))).toEqual(['/updated_fields']);

    const kept = await onlyKept(project, hook.id);
    const eventId = await eventIdForDelivery(asPrefixedId('wh', hook.id), deliveryId);
    expect(kept).toMatchObject({ id: expect.stringMatching(/^req_/), webhook_id: hook.id, reason: 'schema-mismatch', http_status: 400, delivery_id: deliveryId, event_id: eventId, payload_state: 'kept', replayed: null });
    expect(kept.errors?.map((e) => e.path)).toEqual(['/updated_fields']);
    // Kept for min(payload_retention_days = 30, 3) days.
    expect(Date.parse(kept.replayable_until ?? '') - Date.parse(kept.received_at)).toBe(3 * DAY);
    expect((await api<KeptRequestView>(project.token, 'GET', `/v1/rejections/${kept.id}`)).body).toEqual(kept);

    const stillBad = await apiProblem(project.token, 'POST', `/v1/rejections/${kept.id}/replay`);
    expect(stillBad.status).toBe(400);
    expect(stillBad.body.code).toBe('schema-mismatch');
    expect(errorPaths(stillBad.body)).toEqual(['/updated_fields']);

    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema: FIXED_SCHEMA })).status).toBe(200);
    const replay = await api<{ event_id: string; status: string }>(project.token, 'POST', `/v1/rejections/${kept.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ event_id: eventId, status: 'accepted' });

    const event = await dispatchedEvent(project.token, eventId);
    expect(event).toMatchObject({ id: eventId, webhook_id: hook.id, delivery_id: deliveryId, received_at: kept.received_at });
    expect((await api<EventView>(project.token, 'GET', `/v1/events/${eventId}?include=payload`)).body.payload).toEqual(payload);
    const after = (await api<KeptRequestView>(project.token, 'GET', `/v1/rejections/${kept.id}`)).body;
    expect(after.replayed).toEqual({ at: expect.any(String), event_id: eventId });

    // Idempotent: a second replay answers the same; the sender's own redelivery lands on the same event.
    const again = await api<{ event_id: string }>(project.token, 'POST', `/v1/rejections/${kept.id}/replay`);
    expect([again.status, again.body.event_id]).toEqual([202, eventId]);
    const redelivered = await postSigned(hook.url, hook.secret, payload, { id: deliveryId });
    expect(await redelivered.json()).toEqual({ event_id: eventId, status: 'accepted' });

    const audited = (await auditLog(project.token)).filter((e) => e.action === 'rejection.replay');
    expect(audited.map((e) => [e.resource_id, e.outcome])).toEqual([
      [kept.id, 'ok'],
      [kept.id, 'ok'],
      [kept.id, 'schema-mismatch (400)'],
    ]);
  });

  it('replays against the schema stored now, even while this isolate still caches the old one, and not while the webhook is disabled', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    // The ingress caches the webhook (its schema included) as it refuses these.
    expect((await postSigned(hook.url, hook.secret, misshapen())).status).toBe(400);
    expect((await postSigned(hook.url, hook.secret, misshapen({ n: 2 }))).status).toBe(400);
    const [second, first] = await keptOf(project, hook.id, 2);
    if (first === undefined || second === undefined) throw new Error('two kept requests expected');

    // A fix that reaches D1 but not this isolate's cache, as a PATCH served by another isolate does.
    await env.DB.prepare('UPDATE webhooks SET schema = ? WHERE id = ?').bind(JSON.stringify(FIXED_SCHEMA), hook.id).run();
    const replay = await api<{ event_id: string }>(project.token, 'POST', `/v1/rejections/${first.id}/replay`);
    expect([replay.status, replay.body.event_id]).toEqual([202, first.event_id]);
    await dispatchedEvent(project.token, first.event_id);

    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { enabled: false })).status).toBe(200);
    const disabled = await apiProblem(project.token, 'POST', `/v1/rejections/${second.id}/replay`);
    expect([disabled.status, disabled.body.code]).toEqual([409, 'conflict']);
    expect((await api<KeptRequestView>(project.token, 'GET', `/v1/rejections/${second.id}`)).body.replayed).toBeNull();
  });

  it('never keeps a request that failed authentication', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    expect((await postSigned(hook.url, 'whsec_' + btoa('x'.repeat(32)), misshapen())).status).toBe(401);
    expect((await post(hook.url, JSON.stringify(misshapen()))).status).toBe(401);
    // A content refusal after them: once it is kept, the two before it would have been too.
    expect((await postSigned(hook.url, hook.secret, 'not json', { contentType: 'application/json' })).status).toBe(400);
    const kept = await onlyKept(project, hook.id);
    expect(kept).toMatchObject({ reason: 'invalid-json', http_status: 400, delivery_id: expect.stringMatching(/^msg_/) });
    expect(kept).not.toHaveProperty('errors');
    const refusals = await waitFor(async () => {
      const page = await api<Page<{ reason: string }>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}&status=rejected`);
      return page.body.data.length === 3 && page.body.data;
    }, 'three refusal rows');
    expect(refusals.map((r) => r.reason).sort()).toEqual(['bad-signature', 'invalid-json', 'missing-credential']);
    // A body that does not parse still does not: the replay gives the ingress's problem again.
    const replay = await apiProblem(project.token, 'POST', `/v1/rejections/${kept.id}/replay`);
    expect([replay.status, replay.body.code]).toEqual([400, 'invalid-json']);
  });

  it('keeps an unsupported content type, filters by reason, and answers 404 for another project’s request', async () => {
    const project = await createProject();
    const other = await createProject();
    const hook = await chartWebhook(project);
    expect((await postSigned(hook.url, hook.secret, JSON.stringify(CHART_SAMPLE), { contentType: 'text/plain' })).status).toBe(415);
    const kept = await onlyKept(project, hook.id);
    expect(kept).toMatchObject({ reason: 'unsupported-media-type', http_status: 415 });
    expect((await api<Page<KeptRequestView>>(project.token, 'GET', '/v1/rejections?reason=schema-mismatch')).body.data).toEqual([]);
    expect((await api<Page<KeptRequestView>>(project.token, 'GET', '/v1/rejections?reason=unsupported-media-type')).body.data.map((k) => k.id)).toEqual([kept.id]);
    const badReason = await apiProblem(project.token, 'GET', '/v1/rejections?reason=bad-signature');
    expect([badReason.status, errorPaths(badReason.body)]).toEqual([400, ['/reason']]);

    for (const [method, path] of [
      ['GET', `/v1/rejections/${kept.id}`],
      ['POST', `/v1/rejections/${kept.id}/replay`],
      ['DELETE', `/v1/rejections/${kept.id}/payload`],
    ] as const) {
      expect((await apiProblem(other.token, method, path)).status).toBe(404);
    }
    expect((await api<Page<KeptRequestView>>(other.token, 'GET', '/v1/rejections')).body.data).toEqual([]);
    expect((await apiProblem(project.token, 'GET', '/v1/rejections/req_nope')).status).toBe(404);
    // Still kept: the other project's expunge touched nothing.
    expect((await api<KeptRequestView>(project.token, 'GET', `/v1/rejections/${kept.id}`)).body.payload_state).toBe('kept');
  });

  it('answers 409 once the kept body expired under the webhook’s payload retention, or was expunged', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project, { payload_retention_days: 1 });
    await postSigned(hook.url, hook.secret, misshapen());
    await postSigned(hook.url, hook.secret, misshapen({ n: 2 }));
    const [second, first] = await keptOf(project, hook.id, 2);
    if (first === undefined || second === undefined) throw new Error('two kept requests expected');
    // min(payload_retention_days = 1, 3) days.
    expect(Date.parse(first.replayable_until ?? '') - Date.parse(first.received_at)).toBe(DAY);
    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema: FIXED_SCHEMA })).status).toBe(200);

    const expunged = await api<KeptRequestView>(project.token, 'DELETE', `/v1/rejections/${second.id}/payload`);
    expect(expunged.body).toMatchObject({ id: second.id, payload_state: 'expunged', replayable_until: null });
    const afterExpunge = await apiProblem(project.token, 'POST', `/v1/rejections/${second.id}/replay`);
    expect([afterExpunge.status, afterExpunge.body.payload_state]).toEqual([409, 'expunged']);

    const holder = await firstRowInLog<{ id: string }>(project.projectId, 'SELECT id FROM kept_requests WHERE id = ?', first.id);
    const pass = await runInDurableObject(projectLog(env, project.projectId).segment(holder?.segment ?? 0), (_instance, state) => runRetention(state.storage, env.PAYLOADS, Date.now() + DAY + 60_000));
    expect(pass.requestBodiesExpired).toBe(1);
    expect((await api<KeptRequestView>(project.token, 'GET', `/v1/rejections/${first.id}`)).body).toMatchObject({ payload_state: 'expired', replayable_until: null });
    const expired = await apiProblem(project.token, 'POST', `/v1/rejections/${first.id}/replay`);
    expect([expired.status, expired.body.payload_state]).toEqual([409, 'expired']);
  });

  it('keeps bodies sealed: the log and R2 hold no plaintext, and a large body replays from R2', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const marker = `PHI-KEPT-${crypto.randomUUID()}`;
    await postSigned(hook.url, hook.secret, misshapen({ note: marker }));
    const large = misshapen({ notes: `${marker} `.repeat(4_000) });
    await postSigned(hook.url, hook.secret, large);
    const [big, small] = await keptOf(project, hook.id, 2);
    if (big === undefined || small === undefined) throw new Error('two kept requests expected');

    const stored = await logStorageText(project);
    expect(stored).toContain(small.id);
    expect(stored).not.toContain(marker);
    const object = await env.PAYLOADS.get(requestBodyKey(big.id));
    expect(object).not.toBeNull();
    expect(await object?.text()).not.toContain(marker);

    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema: FIXED_SCHEMA })).status).toBe(200);
    const replay = await api<{ event_id: string }>(project.token, 'POST', `/v1/rejections/${big.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body.event_id).toBe(big.event_id);
    await dispatchedEvent(project.token, big.event_id);
    expect((await api<EventView>(project.token, 'GET', `/v1/events/${big.event_id}?include=payload`)).body.payload).toEqual(large);

    // Expunging the event erases the body it was replayed from, in R2 too.
    expect((await api(project.token, 'DELETE', `/v1/events/${big.event_id}/payload`)).status).toBe(200);
    expect((await api<KeptRequestView>(project.token, 'GET', `/v1/rejections/${big.id}`)).body.payload_state).toBe('expunged');
    expect(await env.PAYLOADS.head(requestBodyKey(big.id))).toBeNull();
  });
});
