/**
 * The ingress table of the product contract (CONTRACT.md), row by row, in its order: the first failing check
 * answers and nothing is enqueued.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../workers/hasp/index';
import { projectLog } from '../shared/eventlog/client';
import { DISCARD_BYTES } from '../shared/http/read-body';
import type { EventMessage } from '../shared/queue/event-message';
import { CHART_SAMPLE, addCustomHostname, createProject, createWebhook, dataKeyOf, newStandardSecret, uniqueSlug } from './helpers/fixtures';
import { RecordingQueue, everyEventsShard } from './helpers/queue';
import { post, postSigned, problemOf, standardSignature, webhookUrl } from './helpers/send';
import { opensUnderAnotherKey, storedObject } from './helpers/sealed-objects';
import { firstRowInLog } from './helpers/log-storage';

describe('host routing', () => {
  it('accepts a signed event on the org runtime host', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, CHART_SAMPLE);
    expect(response.status).toBe(202);
    const body = await response.json<{ event_id: string; status: string }>();
    expect(body.status).toBe('accepted');
    expect(body.event_id).toMatch(/^evt_[0-9a-z]{26}$/);
  });

  it('routes {org}.localhost like the runtime host in local dev', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(`http://${project.orgSlug}.localhost:8787/webhooks/${hook.slug}`, hook.secret, CHART_SAMPLE);
    expect(response.status).toBe(202);
  });

  it('answers an unknown org host and an unknown slug with the same 404 body', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const unknownHost = await postSigned(webhookUrl('no-such-org', hook.slug), hook.secret, CHART_SAMPLE);
    const unknownSlug = await postSigned(webhookUrl(project.orgSlug, 'no-such-hook'), hook.secret, CHART_SAMPLE);
    const reserved = await postSigned(`https://www.usehasp.run/webhooks/${hook.slug}`, hook.secret, CHART_SAMPLE);
    expect([unknownHost.status, unknownSlug.status, reserved.status]).toEqual([404, 404, 404]);
    const bodies = await Promise.all([unknownHost.text(), unknownSlug.text(), reserved.text()]);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? '')).toMatchObject({ status: 404, code: 'not-found', type: 'https://usehasp.run/problems/not-found' });
  });

  it("does not serve org B's webhook through acme's host", async () => {
    const acme = await createProject();
    const other = await createProject();
    const hook = await createWebhook(other);
    const response = await postSigned(webhookUrl(acme.orgSlug, hook.slug), hook.secret, CHART_SAMPLE);
    expect(response.status).toBe(404);
  });

  it('serves a custom hostname of an enterprise org while Cloudflare has it active', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hook = await createWebhook(project);
    await addCustomHostname(project, `hooks.${project.orgSlug}-health.com`, 'active');
    const response = await postSigned(`https://hooks.${project.orgSlug}-health.com/webhooks/${hook.slug}`, hook.secret, CHART_SAMPLE);
    expect(response.status).toBe(202);
  });

  it('refuses a custom hostname that is not active, and an active one of an org that is not enterprise', async () => {
    const enterprise = await createProject({ plan: 'enterprise' });
    const team = await createProject({ plan: 'team' });
    const a = await createWebhook(enterprise);
    const b = await createWebhook(team);
    const statuses = ['pending_dns', 'validating_certificate', 'moved', 'failed'] as const;
    for (const status of statuses) await addCustomHostname(enterprise, `${status.replace('_', '-')}.${enterprise.orgSlug}-health.com`, status);
    await addCustomHostname(team, `hooks.${team.orgSlug}-health.com`, 'active');
    const answers = [];
    for (const status of statuses) {
      answers.push((await postSigned(`https://${status.replace('_', '-')}.${enterprise.orgSlug}-health.com/webhooks/${a.slug}`, a.secret, CHART_SAMPLE)).status);
    }
    const notEnterprise = await postSigned(`https://hooks.${team.orgSlug}-health.com/webhooks/${b.slug}`, b.secret, CHART_SAMPLE);
    expect([...answers, notEnterprise.status]).toEqual([404, 404, 404, 404, 404]);
  });
});

describe('webhook exists and is enabled', () => {
  it('answers a disabled webhook with the unknown-slug 404', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { enabled: false });
    const disabled = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, CHART_SAMPLE);
    const unknown = await postSigned(webhookUrl(project.orgSlug, 'never-existed'), hook.secret, CHART_SAMPLE);
    expect(disabled.status).toBe(404);
    expect(await disabled.text()).toBe(await unknown.text());
  });
});

describe('method', () => {
  it('answers GET with 405 and an Allow header', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await SELF.fetch(webhookUrl(project.orgSlug, hook.slug));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await problemOf(response)).code).toBe('method-not-allowed');
  });

  it('answers PUT with 405 before it looks at the credential', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await post(webhookUrl(project.orgSlug, hook.slug), '{}', { method: 'PUT' });
    expect(response.status).toBe(405);
  });
});

describe('body size', () => {
  it('answers 413 for a body over the webhook limit, before authentication', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { bodyLimitBytes: 64 });
    const response = await post(webhookUrl(project.orgSlug, hook.slug), JSON.stringify({ ...CHART_SAMPLE, pad: 'x'.repeat(100) }));
    expect(response.status).toBe(413);
    expect(await problemOf(response)).toMatchObject({ code: 'payload-too-large', limit_bytes: 64 });
  });

  it('answers 413 for a streamed body without Content-Length once it passes the limit, and reads no further', async () => {
    const project = await createProject();
    const limit = 1024;
    const hook = await createWebhook(project, { bodyLimitBytes: limit });
    const chunk = new TextEncoder().encode('x'.repeat(512));
    // A sender that never stops: a chunk for every pull, each one counted, and no end. Pulled only
    // when read (high-water mark 0), so the count is what the ingress read.
    let pulled = 0;
    let released = false;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled += chunk.length;
          controller.enqueue(chunk);
        },
        cancel() {
          released = true;
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request(webhookUrl(project.orgSlug, hook.slug), { method: 'POST', body: endless, headers: { 'content-type': 'application/json' } });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], env, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(413);
    // The read stopped past the limit, dropped at most DISCARD_BYTES more (so a body ending there
    // leaves its connection usable) and let the stream go: a body that would never end cost that.
    expect(pulled).toBeGreaterThan(limit);
    expect(pulled).toBeLessThanOrEqual(limit + chunk.length + DISCARD_BYTES + chunk.length);
    expect(released).toBe(true);
  });

  it('accepts a body of exactly the limit', async () => {
    const project = await createProject();
    const base = JSON.stringify(CHART_SAMPLE);
    const hook = await createWebhook(project, { bodyLimitBytes: base.length });
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, base);
    expect(response.status).toBe(202);
  });
});

describe('authentication (default scheme: Standard Webhooks)', () => {
  it('answers 401 missing-credential without signature headers', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await post(webhookUrl(project.orgSlug, hook.slug), JSON.stringify(CHART_SAMPLE));
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe('missing-credential');
  });

  it('answers 401 bad-signature when one byte of the body changed after signing', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const body = JSON.stringify(CHART_SAMPLE);
    const headers = standardSignature(hook.secret, body);
    const response = await post(webhookUrl(project.orgSlug, hook.slug), body.replace('p1', 'p2'), { headers });
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe('bad-signature');
  });

  it('answers 401 bad-signature for a signature made with another secret', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), newStandardSecret(), CHART_SAMPLE);
    expect((await problemOf(response)).code).toBe('bad-signature');
  });

  it('answers 401 timestamp-out-of-tolerance for a stale and for a future timestamp', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const stale = await postSigned(url, hook.secret, CHART_SAMPLE, { at: new Date(Date.now() - 6 * 60_000) });
    const future = await postSigned(url, hook.secret, CHART_SAMPLE, { at: new Date(Date.now() + 6 * 60_000) });
    expect((await problemOf(stale)).code).toBe('timestamp-out-of-tolerance');
    expect((await problemOf(future)).code).toBe('timestamp-out-of-tolerance');
  });

  it('accepts a timestamp just inside the tolerance on either side', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const past = await postSigned(url, hook.secret, CHART_SAMPLE, { at: new Date(Date.now() - 4 * 60_000) });
    const ahead = await postSigned(url, hook.secret, CHART_SAMPLE, { at: new Date(Date.now() + 4 * 60_000) });
    expect([past.status, ahead.status]).toEqual([202, 202]);
  });

  it('accepts a header with several signatures when one of them holds', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const body = JSON.stringify(CHART_SAMPLE);
    const headers = standardSignature(hook.secret, body);
    const forged = standardSignature(newStandardSecret(), body, { id: headers['webhook-id'] })['webhook-signature'];
    headers['webhook-signature'] = `${forged} ${headers['webhook-signature']}`;
    const response = await post(webhookUrl(project.orgSlug, hook.slug), body, { headers });
    expect(response.status).toBe(202);
  });

  it('verifies against every secret still in its rotation overlap, and not an expired one', async () => {
    const project = await createProject();
    const current = newStandardSecret();
    const previous = newStandardSecret();
    const expired = newStandardSecret();
    const hook = await createWebhook(project, {
      secrets: [
        { value: current },
        { value: previous, expiresAt: new Date(Date.now() + 60_000).toISOString() },
        { value: expired, expiresAt: new Date(Date.now() - 1_000).toISOString() },
      ],
    });
    const url = webhookUrl(project.orgSlug, hook.slug);
    expect((await postSigned(url, current, CHART_SAMPLE)).status).toBe(202);
    expect((await postSigned(url, previous, CHART_SAMPLE)).status).toBe(202);
    expect((await postSigned(url, expired, CHART_SAMPLE)).status).toBe(401);
  });
});

describe('other authentication methods', () => {
  it('checks a shared token in a named header', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { auth: { method: 'header', header: 'X-Hasp-Token' }, secrets: [{ value: 'tok-abcdefghijklmnop' }] });
    const url = webhookUrl(project.orgSlug, hook.slug);
    const body = JSON.stringify(CHART_SAMPLE);
    expect((await post(url, body, { headers: { 'x-hasp-token': 'tok-abcdefghijklmnop' } })).status).toBe(202);
    expect((await problemOf(await post(url, body, { headers: { 'x-hasp-token': 'tok-abcdefghijklmnoq' } }))).status).toBe(401);
    expect((await problemOf(await post(url, body))).code).toBe('missing-credential');
  });

  it('checks a bearer token', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { auth: { method: 'bearer' }, secrets: [{ value: 'bearer-abcdefghijklmnop' }] });
    const url = webhookUrl(project.orgSlug, hook.slug);
    const body = JSON.stringify(CHART_SAMPLE);
    expect((await post(url, body, { headers: { authorization: 'Bearer bearer-abcdefghijklmnop' } })).status).toBe(202);
    expect((await post(url, body, { headers: { authorization: 'Bearer bearer-wrong' } })).status).toBe(401);
    expect((await problemOf(await post(url, body))).code).toBe('missing-credential');
  });

  it('accepts an open webhook without any credential', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { auth: { method: 'none' }, secrets: [] });
    const response = await post(webhookUrl(project.orgSlug, hook.slug), JSON.stringify(CHART_SAMPLE));
    expect(response.status).toBe(202);
  });
});

describe('content type, parse and schema', () => {
  it('answers 415 for a signed body that is not JSON', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, 'patient_id=p1', { contentType: 'text/plain' });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).code).toBe('unsupported-media-type');
  });

  it('accepts a +json media type with a charset', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, CHART_SAMPLE, {
      contentType: 'application/cloudevents+json; charset=utf-8',
    });
    expect(response.status).toBe(202);
  });

  it('answers 400 invalid-json for a signed body that does not parse, without echoing it', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, '{"patient_id": "PHI-SECRET-NAME",');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'invalid-json', type: 'https://usehasp.run/problems/invalid-json' });
    expect(text).not.toContain('PHI-SECRET-NAME');
  });

  it('answers 400 schema-mismatch listing every failing path as a JSON Pointer', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, {
      patient_id: 42,
      updated_fields: [1, 'allergies', false],
    });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe('schema-mismatch');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['/event', '/patient_id', '/updated_fields/0', '/updated_fields/2']);
    for (const error of problem.errors ?? []) expect(error.message.length).toBeGreaterThan(5);
  });
});

describe('check order', () => {
  it('reports the signature before the content type and the JSON', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await post(webhookUrl(project.orgSlug, hook.slug), 'not json', {
      contentType: 'text/plain',
      headers: standardSignature(newStandardSecret(), 'not json'),
    });
    expect((await problemOf(response)).code).toBe('bad-signature');
  });

  it('reports the size before the signature', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { bodyLimitBytes: 10 });
    const response = await post(webhookUrl(project.orgSlug, hook.slug), JSON.stringify(CHART_SAMPLE));
    expect(response.status).toBe(413);
  });

  it('reports invalid JSON before the schema', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, '[1,');
    expect((await problemOf(response)).code).toBe('invalid-json');
  });
});

describe('enqueue', () => {
  it('answers 503 with Retry-After when the queue refuses, and leaves no claim-checked payload behind', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const offered: EventMessage[] = [];
    const refusing: Queue<EventMessage> = {
      send: (message) => {
        offered.push(message);
        return Promise.reject(new Error('queue unavailable'));
      },
      sendBatch: () => Promise.reject(new Error('queue unavailable')),
      metrics: () => Promise.reject(new Error('queue unavailable')),
    };
    const body = JSON.stringify({ ...CHART_SAMPLE, pad: 'y'.repeat(150_000) });
    const request = new Request(webhookUrl(project.orgSlug, hook.slug), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...standardSignature(hook.secret, body) },
      body,
    });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, ...everyEventsShard(refusing) }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await problemOf(response)).code).toBe('queue-unavailable');
    // The payload went to R2 before the send (it is too large for a message) and was removed when
    // the send failed: the sender's retry is the only copy that will count.
    expect(offered).toHaveLength(1);
    const key = offered[0]?.payload_key ?? '';
    expect(key).toMatch(/^events\/evt_/);
    expect(await env.PAYLOADS.head(key)).toBeNull();
    const stored = await env.PAYLOADS.list({ prefix: 'events/' });
    expect(stored.objects).toHaveLength(0);
  });

  it('seals a payload too large for a message before it reaches R2, and sends a small one inline as it came', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { schema: { type: 'object' } });
    const events = new RecordingQueue<EventMessage>();
    const send = async (payload: unknown) => {
      const body = JSON.stringify(payload);
      const request = new Request(webhookUrl(project.orgSlug, hook.slug), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...standardSignature(hook.secret, body) },
        body,
      });
      const ctx = createExecutionContext();
      const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, ...everyEventsShard(events) }, ctx);
      await waitOnExecutionContext(ctx);
      return response.status;
    };
    const large = { ...CHART_SAMPLE, notes: 'MARKER-CLAIM-CHECK '.repeat(8_000) };
    expect(await send(large)).toBe(202);
    expect(await send(CHART_SAMPLE)).toBe(202);

    const [claimChecked, inline] = events.sent;
    expect(claimChecked?.payload_bytes).toBeUndefined();
    const key = claimChecked?.payload_key ?? '';
    const { stored, text } = await storedObject(await dataKeyOf(project), key);
    expect(stored).not.toContain('MARKER-CLAIM-CHECK');
    expect(JSON.parse(text)).toEqual(large);
    // The payload's bytes, sealed: not the third more of base64 text.
    expect(stored.length).toBeLessThan(JSON.stringify(large).length + 64);
    expect(await opensUnderAnotherKey(await dataKeyOf(project), key)).toBe(false);
    // The body's own bytes travel inline, as sent; no JSON text is built for the message.
    expect(inline?.payload_bytes).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(inline?.payload_bytes)).toBe(JSON.stringify(CHART_SAMPLE));
    expect(inline?.payload_json).toBeUndefined();
    expect(inline?.payload_key).toBeUndefined();
  });

  it('gives a redelivery with the same webhook-id the same event_id', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const id = `msg_${uniqueSlug('dup')}`;
    const first = await (await postSigned(url, hook.secret, CHART_SAMPLE, { id })).json<{ event_id: string }>();
    const again = await (await postSigned(url, hook.secret, CHART_SAMPLE, { id })).json<{ event_id: string }>();
    const other = await (await postSigned(url, hook.secret, CHART_SAMPLE)).json<{ event_id: string }>();
    expect(again.event_id).toBe(first.event_id);
    expect(other.event_id).not.toBe(first.event_id);
  });

  it('derives the event id from Idempotency-Key when the scheme has no delivery id', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { auth: { method: 'none' }, secrets: [] });
    const url = webhookUrl(project.orgSlug, hook.slug);
    const body = JSON.stringify(CHART_SAMPLE);
    const a = await (await post(url, body, { headers: { 'idempotency-key': 'order-7' } })).json<{ event_id: string }>();
    const b = await (await post(url, body, { headers: { 'idempotency-key': 'order-7' } })).json<{ event_id: string }>();
    expect(a.event_id).toBe(b.event_id);
  });
});

describe('secrets', () => {
  it('never returns the secret in any answer, accepted or refused', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const bodies = await Promise.all([
      postSigned(url, hook.secret, CHART_SAMPLE),
      postSigned(url, newStandardSecret(), CHART_SAMPLE),
      post(url, '{}'),
      postSigned(url, hook.secret, { nope: true }),
      postSigned(url, hook.secret, 'x', { contentType: 'text/plain' }),
    ].map(async (r) => (await r).text()));
    const raw = hook.secret.slice('whsec_'.length);
    for (const body of bodies) {
      expect(body).not.toContain(hook.secret);
      expect(body).not.toContain(raw);
    }
  });
});

describe('refusals', () => {
  it("keeps refusals in the project's log, aggregated per reason, for the webhook's metadata retention, without the payload", async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { metadataRetentionDays: 45 });
    const url = webhookUrl(project.orgSlug, hook.slug);
    const refuse = async (payload: unknown) => {
      const body = JSON.stringify(payload);
      const request = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...standardSignature(hook.secret, body) }, body });
      const ctx = createExecutionContext();
      const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], env, ctx);
      await waitOnExecutionContext(ctx);
      return response.status;
    };
    // The first refusal is written at once (after the response); the second, within the flush
    // interval, when the interval ends (waitOnExecutionContext waits for that flush).
    expect(await refuse({ patient_id: 'MARKER-REFUSED-PHI' })).toBe(400);
    expect(await refuse({ patient_id: 'MARKER-REFUSED-PHI' })).toBe(400);

    const log = projectLog(env, project.projectId);
    const page = await log.listRejections({ webhookId: hook.id, limit: 10 });
    expect(page.items.map((r) => r.count)).toEqual([1, 1]);
    const [row] = page.items;
    expect(row).toMatchObject({ webhookId: hook.id, reason: 'schema-mismatch', httpStatus: 400, count: 1 });
    expect(JSON.stringify(page)).not.toContain('MARKER-REFUSED-PHI');
    const expiresAt = (await firstRowInLog<{ expires_at: number }>(project.projectId, 'SELECT expires_at FROM rejections WHERE id = ?', row?.id ?? ''))?.expires_at;
    expect(expiresAt).toBe(Date.parse(row?.lastAt ?? '') + 45 * 86_400_000);
    // Nothing of the refusal is in the other project's log.
    const other = await createProject();
    expect((await projectLog(env, other.projectId).listRejections({ limit: 10 })).items).toEqual([]);
  });
});
