/**
 * Sender-health issues: refusals at the edge open one issue per (webhook, cause) when they cross
 * the webhook's threshold; it counts further refusals, resolves after 30 quiet minutes (the cron
 * with a moved clock), re-opens if the refusals come back, and never re-opens once ignored.
 * Silence opens for a webhook with a steady week that goes quiet, and resolves when traffic returns.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../shared/db/client';
import type { IssueView } from '../../shared/health/issue-view';
import type { RefusalObservation, TrafficObservation } from '../../shared/health/types';
import { senderHealth, tickSenderHealth } from '../../shared/health/watch';
import { api, apiProblem, createWebhookViaApi, errorPaths, type Page, type WebhookBody } from '../helpers/control-api';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';
import { post, postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';

const MINUTE = 60_000;
const HOUR = 3_600_000;

type IssueDetail = IssueView & { kept_requests: number | null };

async function chartWebhook(project: TestProject, extra: Record<string, unknown> = {}): Promise<WebhookBody & { secret: string }> {
  const hook = await createWebhookViaApi(project.token, { name: `health ${crypto.randomUUID().slice(0, 6)}`, sample_payload: CHART_SAMPLE, ...extra });
  if (hook.secret === undefined) throw new Error('no generated secret');
  return { ...hook, secret: hook.secret };
}

async function issuesOf(project: TestProject, query = ''): Promise<IssueDetail[]> {
  const page = await api<Page<IssueDetail>>(project.token, 'GET', `/v1/issues${query}`);
  expect(page.status).toBe(200);
  return page.body.data;
}

async function onlyIssue(project: TestProject, query: string): Promise<IssueDetail> {
  return waitFor(async () => {
    const list = await issuesOf(project, query);
    return list.length === 1 && list[0];
  }, `one issue for ${query}`);
}

/** Refusals as the ingress's flush reports them, `count` of `reason` at `at`. */
function refusals(webhookId: string, reason: string, count: number, at: number, paths: RefusalObservation['paths'] = []): RefusalObservation {
  const stamp = new Date(at).toISOString();
  return { webhookId, reason, count, firstAt: stamp, lastAt: stamp, paths };
}

async function observe(project: TestProject, rows: RefusalObservation[], now: number): Promise<void> {
  await senderHealth(env, project.projectId).observeRefusals(project.projectId, rows, now);
}

async function tick(now: number): Promise<void> {
  await tickSenderHealth(env, createDb(env.DB), now);
}

describe('issues from refusals at the edge', () => {
  it('opens one authentication issue for a burst of bad signatures, with samples that name the cause and never a value', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const secretValue = 'patient-name-Jane-Roe';
    for (let i = 0; i < 15; i += 1) {
      const response = await post(hook.url, JSON.stringify({ ...CHART_SAMPLE, note: secretValue }), { headers: { 'webhook-id': `msg_${i}`, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' } });
      expect(response.status).toBe(401);
    }
    const issue = await waitFor(async () => {
      const list = await issuesOf(project, `?webhook_id=${hook.id}&cause=authentication`);
      return list.length === 1 && list[0]?.state === 'open' && (list[0]?.count ?? 0) >= 10 && list[0];
    }, 'an open authentication issue', 15_000);
    expect(issue.webhook_id).toBe(hook.id);
    expect(issue.samples.length).toBeGreaterThan(0);
    expect(issue.samples.every((s) => s.reason === 'bad-signature')).toBe(true);
    expect(issue.summary).toMatch(/secret or clock/);
    expect(JSON.stringify(issue)).not.toContain(secretValue);

    const detail = await api<IssueDetail>(project.token, 'GET', `/v1/issues/${issue.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.id).toBe(issue.id);
    expect(detail.body.kept_requests).toBeNull();
    const view = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(view.body.open_issues).toBe(1);
  });

  it('opens a content issue naming the failing path and the type sent there, and replays its kept requests once the schema is fixed', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    for (let i = 0; i < 6; i += 1) {
      const response = await postSigned(hook.url, hook.secret, { ...CHART_SAMPLE, updated_fields: 42 + i }, { id: `msg_${crypto.randomUUID()}` });
      expect(response.status).toBe(400);
    }
    const issue = await waitFor(async () => {
      const list = await issuesOf(project, `?webhook_id=${hook.id}&cause=content`);
      return list[0]?.count === 6 && list[0];
    }, 'a content issue counting 6', 15_000);
    expect(issue.top_paths[0]).toEqual({ path: '/updated_fields', type: 'integer', count: 6 });
    expect(JSON.stringify(issue)).not.toContain('"42"');

    const before = await api<IssueDetail>(project.token, 'GET', `/v1/issues/${issue.id}`);
    expect(before.body.kept_requests).toBe(6);
    const stillRefused = await api<{ replayed: number; still_refused: number }>(project.token, 'POST', `/v1/issues/${issue.id}/replay`);
    expect(stillRefused.body).toMatchObject({ replayed: 0, still_refused: 6 });

    const schema = { ...hook.schema as Record<string, unknown>, properties: { ...(hook.schema as { properties: Record<string, unknown> }).properties, updated_fields: { type: ['array', 'integer'] } } };
    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema })).status).toBe(200);
    const replay = await api<{ replayed: number; still_refused: number; skipped: number; more: boolean }>(project.token, 'POST', `/v1/issues/${issue.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ replayed: 6, still_refused: 0, more: false });
    const after = await api<IssueDetail>(project.token, 'GET', `/v1/issues/${issue.id}`);
    expect(after.body.kept_requests).toBe(0);
    await waitFor(async () => {
      const events = await api<Page<{ status: string }>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}`);
      return events.body.data.length === 6;
    }, 'the six replayed events');
  });

  it('opens exactly one issue for a flood of refusals', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const now = Date.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => observe(project, [refusals(hook.id, 'bad-signature', 20, now + i)], now + i)));
    const list = await issuesOf(project, `?webhook_id=${hook.id}`);
    expect(list).toHaveLength(1);
    expect(list[0]?.count).toBe(1_000);
  });

  it('opens no authentication issue while most of the sender’s requests are accepted', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const now = Date.now();
    const traffic: TrafficObservation[] = [{ webhookId: hook.id, minute: Math.floor(now / MINUTE), accepted: 50 }];
    await senderHealth(env, project.projectId).observeAccepted(project.projectId, traffic, [], now);
    await observe(project, [refusals(hook.id, 'bad-signature', 12, now)], now);
    expect(await issuesOf(project, `?webhook_id=${hook.id}`)).toEqual([]);
  });

  it('resolves after 30 quiet minutes by the cron, re-opens when the refusals come back, and stays ignored once ignored', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const t0 = Date.now();
    await observe(project, [refusals(hook.id, 'rate-limited', 25, t0)], t0);
    const opened = await onlyIssue(project, `?webhook_id=${hook.id}`);
    expect(opened).toMatchObject({ cause: 'rate-limited', state: 'open', reopen_count: 0 });

    await tick(t0 + 29 * MINUTE);
    expect((await onlyIssue(project, `?webhook_id=${hook.id}`)).state).toBe('open');
    await tick(t0 + 31 * MINUTE);
    const resolved = await onlyIssue(project, `?webhook_id=${hook.id}`);
    expect(resolved.state).toBe('resolved');
    expect(resolved.resolved_at).toBe(new Date(t0 + 31 * MINUTE).toISOString());

    const t1 = t0 + 40 * MINUTE;
    await observe(project, [refusals(hook.id, 'rate-limited', 30, t1)], t1);
    const reopened = await onlyIssue(project, `?webhook_id=${hook.id}`);
    expect(reopened).toMatchObject({ id: opened.id, state: 'open', reopen_count: 1, count: 55 });

    const ignored = await api<IssueDetail>(project.token, 'PATCH', `/v1/issues/${opened.id}`, { state: 'ignored' });
    expect(ignored.body.state).toBe('ignored');
    await tick(t1 + 31 * MINUTE);
    await observe(project, [refusals(hook.id, 'rate-limited', 40, t1 + 90 * MINUTE)], t1 + 90 * MINUTE);
    expect(await onlyIssue(project, `?webhook_id=${hook.id}`)).toMatchObject({ state: 'ignored', count: 95 });
  });

  it('lets a person acknowledge and resolve, and refuses what the states do not allow', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const now = Date.now();
    await observe(project, [refusals(hook.id, 'ip-not-allowed', 10, now)], now);
    const issue = await onlyIssue(project, `?cause=ip-refused`);

    const acked = await api<IssueDetail>(project.token, 'PATCH', `/v1/issues/${issue.id}`, { state: 'acknowledged' });
    expect(acked.body).toMatchObject({ state: 'acknowledged' });
    expect(acked.body.acknowledged_at).not.toBeNull();
    expect((await issuesOf(project, '?state=acknowledged')).map((i) => i.id)).toEqual([issue.id]);

    const bad = await apiProblem(project.token, 'PATCH', `/v1/issues/${issue.id}`, { state: 'open' });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body)).toEqual(['/state']);
    const resolved = await api<IssueDetail>(project.token, 'PATCH', `/v1/issues/${issue.id}`, { state: 'resolved' });
    expect(resolved.body.state).toBe('resolved');
    const conflict = await apiProblem(project.token, 'PATCH', `/v1/issues/${issue.id}`, { state: 'acknowledged' });
    expect(conflict.status).toBe(409);
    expect((await apiProblem(project.token, 'GET', '/v1/issues/iss_nope')).status).toBe(404);
    const other = await createProject();
    expect((await apiProblem(other.token, 'GET', `/v1/issues/${issue.id}`)).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', '/v1/issues?cause=weather')).status).toBe(400);
  });
});

describe('a deleted webhook', () => {
  it('takes its issues with it: gone from the list, the counts and the cron', async () => {
    const project = await createProject();
    const kept = await chartWebhook(project);
    const deleted = await chartWebhook(project);
    const now = Date.now();
    await observe(project, [refusals(kept.id, 'rate-limited', 25, now), refusals(deleted.id, 'rate-limited', 25, now)], now);
    expect(await issuesOf(project)).toHaveLength(2);

    expect((await api(project.token, 'DELETE', `/v1/webhooks/${deleted.id}`)).status).toBe(204);
    expect((await issuesOf(project)).map((i) => i.webhook_id)).toEqual([kept.id]);
    expect(await senderHealth(env, project.projectId).openIssueCounts()).toEqual({ [kept.id]: 1 });
  });
});

describe('silence', () => {
  /** A week of `perHour` requests an hour, ending at `end`. */
  function steadyWeek(webhookId: string, end: number, perHour: number): TrafficObservation[] {
    return Array.from({ length: 168 }, (_, h) => ({ webhookId, minute: Math.floor((end - (167 - h) * HOUR) / MINUTE), accepted: perHour }));
  }

  it('opens for a webhook with a steady week that goes quiet for an hour, and resolves when traffic returns', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const end = Date.now() - 2 * MINUTE;
    const health = senderHealth(env, project.projectId);
    await health.observeAccepted(project.projectId, steadyWeek(hook.id, end, 25), [], end);

    await tick(end + 50 * MINUTE);
    expect(await issuesOf(project, `?webhook_id=${hook.id}`)).toEqual([]);
    await tick(end + 62 * MINUTE);
    const silence = await onlyIssue(project, `?webhook_id=${hook.id}&cause=silence`);
    expect(silence.state).toBe('open');
    expect(silence.summary).toMatch(/No requests for/);

    await health.observeAccepted(project.projectId, [{ webhookId: hook.id, minute: Math.floor((end + 70 * MINUTE) / MINUTE), accepted: 1 }], [], end + 70 * MINUTE);
    expect((await onlyIssue(project, `?webhook_id=${hook.id}&cause=silence`)).state).toBe('resolved');
  });

  it('stays off for a webhook without a steady history, and for one whose threshold turns it off', async () => {
    const project = await createProject();
    const sparse = await chartWebhook(project);
    const muted = await chartWebhook(project, { health_thresholds: { silence: { enabled: false } } });
    expect(muted.health_thresholds.silence.enabled).toBe(false);
    const end = Date.now() - 2 * MINUTE;
    const health = senderHealth(env, project.projectId);
    await health.observeAccepted(project.projectId, [...steadyWeek(sparse.id, end, 2), ...steadyWeek(muted.id, end, 100)], [], end);
    await tick(end + 3 * HOUR);
    expect(await issuesOf(project)).toEqual([]);
  });
});

describe('thresholds per webhook', () => {
  it('validates overrides with the field that is wrong, and applies a lower count', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    const bad = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { health_thresholds: { authentication: { share: 2 } } });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body)).toEqual(['/health_thresholds/authentication/share']);
    const unknown = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { health_thresholds: { weather: {} } });
    expect(unknown.status).toBe(400);

    const patched = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { health_thresholds: { content: { count: 2, window_minutes: 60 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.health_thresholds.content).toEqual({ enabled: true, count: 2, window_minutes: 60 });
    expect(patched.body.health_thresholds.authentication).toEqual({ enabled: true, count: 10, window_minutes: 5, share: 0.5 });

    const now = Date.now();
    await observe(project, [refusals(hook.id, 'schema-mismatch', 2, now, [{ path: '/status', type: 'integer', count: 2 }])], now);
    expect((await onlyIssue(project, `?webhook_id=${hook.id}`)).cause).toBe('content');

    const cleared = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { health_thresholds: null });
    expect(cleared.body.health_thresholds.content.count).toBe(5);
  });
});
