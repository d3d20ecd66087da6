/** `/v1/notification-channels`: create, list, get, patch, delete, rotate-secret, test; URL rules. */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createControlApp } from '../../shared/control/app';
import { MAX_CHANNELS_PER_PROJECT } from '../../shared/control/notification-channels-routes';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import { checkChannelUrl, type ChannelKind, type UrlPolicy } from '../../shared/notify/channel-url';
import type { NotificationChannelView } from '../../shared/notify/channel-view';
import { masterKeyFor } from '../../shared/secrets/master-key';
import { createProject } from '../helpers/fixtures';
import { api, apiProblem, auditLog, errorPaths, type Page } from '../helpers/control-api';
import { channelOf, channelRowText, createChannelViaApi } from '../helpers/notifications';

const RECEIVER = 'https://receiver.example.com/hasp/notifications';
const SLACK_SECRET_PATH = 'T0000SLACK/B0000SLACK/SlackWebhookSecretPart9xyz';
const SLACK_URL = `https://hooks.slack.com/services/${SLACK_SECRET_PATH}`;

describe('POST /v1/notification-channels', () => {
  it('creates a webhook channel and shows its whsec_ signing secret once, never again', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'webhook', url: RECEIVER, name: 'On-call receiver' });
    expect(created).toMatchObject({ kind: 'webhook', url: RECEIVER, name: 'On-call receiver', enabled: true, state: 'active', consecutive_failures: 0, last_failure: null, last_failure_at: null, last_success_at: null });
    expect(created.id).toMatch(/^nch_[0-9a-z]{26}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = created.secret ?? 'no secret';

    const got = await api(project.token, 'GET', `/v1/notification-channels/${created.id}`);
    const listed = await api(project.token, 'GET', '/v1/notification-channels');
    expect(got.body).not.toHaveProperty('secret');
    expect(got.body).toHaveProperty('secrets', [expect.objectContaining({ id: expect.stringMatching(/^sec_/), expires_at: null })]);
    for (const text of [JSON.stringify(got.body), JSON.stringify(listed.body), await channelRowText(created.id)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice('whsec_'.length, 30));
    }
  });

  it('creates a Slack channel with its URL sealed: views show only a hint', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'slack', url: SLACK_URL });
    expect(created).toMatchObject({ kind: 'slack', name: 'Slack', url_hint: 'https://hooks.slack.com/…9xyz' });
    expect(created).not.toHaveProperty('secret');
    expect(created).not.toHaveProperty('url');
    const got = await api(project.token, 'GET', `/v1/notification-channels/${created.id}`);
    for (const text of [JSON.stringify(created), JSON.stringify(got.body), await channelRowText(created.id)]) {
      expect(text).not.toContain(SLACK_SECRET_PATH);
      expect(text).not.toContain('SlackWebhookSecret');
    }
  });

  it('answers 400 naming the field for a bad kind or URL', async () => {
    const project = await createProject();
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'email', url: RECEIVER }, '/kind'],
      [{ url: RECEIVER }, '/kind'],
      [{ kind: 'webhook' }, '/url'],
      [{ kind: 'webhook', url: 'not a url' }, '/url'],
      [{ kind: 'webhook', url: 'http://receiver.example.com/hook' }, '/url'],
      [{ kind: 'webhook', url: 'ftp://receiver.example.com/hook' }, '/url'],
      [{ kind: 'webhook', url: 'https://user:password@receiver.example.com/hook' }, '/url'],
      [{ kind: 'webhook', url: 'https://10.1.2.3/hook' }, '/url'],
      [{ kind: 'webhook', url: 'https://printer.local/hook' }, '/url'],
      [{ kind: 'webhook', url: `https://receiver.example.com/${'a'.repeat(2100)}` }, '/url'],
      [{ kind: 'slack', url: 'https://receiver.example.com/services/T/B/x' }, '/url'],
      [{ kind: 'webhook', url: RECEIVER, colour: 'red' }, '/colour'],
    ];
    for (const [body, path] of cases) {
      const refused = await apiProblem(project.token, 'POST', '/v1/notification-channels', body);
      expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(refused.body.code).toBe('invalid-request');
      expect(errorPaths(refused.body)).toEqual([path]);
    }
    const http = await apiProblem(project.token, 'POST', '/v1/notification-channels', { kind: 'webhook', url: 'http://receiver.example.com/hook' });
    expect(http.body.errors?.[0]?.message).toContain('must use https');
    const listed = await api<Page<NotificationChannelView>>(project.token, 'GET', '/v1/notification-channels');
    expect(listed.body.data).toEqual([]);
  });

  it('accepts loopback http URLs in local development, for webhook and Slack channels alike', async () => {
    const project = await createProject();
    expect(env.LOCAL_HOST_SUFFIX).not.toBe('');
    const hook = await createChannelViaApi(project.token, { kind: 'webhook', url: 'http://127.0.0.1:8123/hook' });
    const slack = await createChannelViaApi(project.token, { kind: 'slack', url: 'http://localhost:8124/slack' });
    expect(hook).toMatchObject({ url: 'http://127.0.0.1:8123/hook' });
    expect(slack).toMatchObject({ url_hint: 'http://localhost:8124/…lack' });
  });

  it('refuses private and loopback addresses when LOCAL_HOST_SUFFIX is empty (production)', async () => {
    const project = await createProject();
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor });
    const production = { ...env, LOCAL_HOST_SUFFIX: '' };
    const post = async (body: unknown) =>
      app.fetch(
        new Request('https://api.usehasp.run/v1/notification-channels', { method: 'POST', headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        production,
        createExecutionContext(),
      );
    for (const url of ['http://127.0.0.1:8123/hook', 'https://127.0.0.1/hook', 'https://192.168.1.10/hook', 'https://localhost/hook']) {
      const refused = await post({ kind: 'webhook', url });
      expect(refused.status, url).toBe(400);
      const problem = await refused.json<{ errors: { path: string; message: string }[] }>();
      expect(problem.errors.map((e) => e.path)).toEqual(['/url']);
      expect(problem.errors[0]?.message).not.toContain('local development');
    }
    expect((await post({ kind: 'slack', url: 'http://localhost:8124/slack' })).status).toBe(400);
    expect((await post({ kind: 'webhook', url: RECEIVER })).status).toBe(201);
    expect((await post({ kind: 'slack', url: SLACK_URL })).status).toBe(201);
  });

  it(`answers 409 past ${MAX_CHANNELS_PER_PROJECT} channels in a project`, async () => {
    const project = await createProject();
    for (let i = 0; i < MAX_CHANNELS_PER_PROJECT; i++) await createChannelViaApi(project.token, { kind: 'webhook', url: `${RECEIVER}/${i}` });
    const refused = await apiProblem(project.token, 'POST', '/v1/notification-channels', { kind: 'webhook', url: RECEIVER });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('delete one');
  });
});

describe('checkChannelUrl', () => {
  const refusals: [ChannelKind, string, UrlPolicy, string][] = [
    ['webhook', 'http://receiver.example.com/hook', 'production', 'not-https'],
    ['webhook', 'http://127.0.0.1:8123/hook', 'production', 'not-https'],
    ['webhook', 'https://127.0.0.1/hook', 'production', 'special-address'],
    ['webhook', 'https://0x7f000001/hook', 'production', 'special-address'],
    ['webhook', 'https://10.0.0.8/hook', 'production', 'special-address'],
    ['webhook', 'https://172.16.5.4/hook', 'production', 'special-address'],
    ['webhook', 'https://192.168.0.1/hook', 'production', 'special-address'],
    ['webhook', 'https://169.254.169.254/latest/meta-data', 'production', 'special-address'],
    ['webhook', 'https://100.64.0.1/hook', 'production', 'special-address'],
    ['webhook', 'https://0.0.0.0/hook', 'production', 'special-address'],
    ['webhook', 'https://203.0.113.9/hook', 'production', 'special-address'],
    ['webhook', 'https://[::1]/hook', 'production', 'special-address'],
    ['webhook', 'https://[fe80::1]/hook', 'production', 'special-address'],
    ['webhook', 'https://[fd00::1]/hook', 'production', 'special-address'],
    ['webhook', 'https://[::ffff:10.0.0.1]/hook', 'production', 'special-address'],
    ['webhook', 'https://localhost/hook', 'production', 'local-name'],
    ['webhook', 'https://api.localhost/hook', 'production', 'local-name'],
    ['webhook', 'https://printer.local/hook', 'production', 'local-name'],
    ['webhook', 'https://metadata.google.internal/hook', 'production', 'local-name'],
    ['webhook', 'https://intranet/hook', 'production', 'local-name'],
    ['webhook', 'https://localhost./hook', 'production', 'local-name'],
    ['webhook', 'https://10.0.0.8/hook', 'local', 'special-address'],
    ['webhook', 'http://receiver.example.com/hook', 'local', 'not-https'],
    ['slack', 'https://hooks.slack.com.evil.example/services/x', 'production', 'not-slack'],
    ['slack', 'https://hooks.slack.com/', 'production', 'not-slack'],
    ['slack', 'https://hooks.slack.com:8443/services/x', 'production', 'not-slack'],
    ['slack', 'http://127.0.0.1:8124/slack', 'production', 'not-https'],
    ['slack', 'https://receiver.example.com/services/T/B/x', 'local', 'not-slack'],
  ];
  it.each(refusals)('refuses a %s channel to %s (%s): %s', (kind, url, policy, reason) => {
    const checked = checkChannelUrl(kind, url, policy);
    expect(checked.ok ? 'accepted' : checked.reason).toBe(reason);
  });

  const accepted: [ChannelKind, string, UrlPolicy][] = [
    ['webhook', 'https://receiver.example.com/hook?team=ops', 'production'],
    ['webhook', 'https://1.1.1.1:8443/hook', 'production'],
    ['slack', SLACK_URL, 'production'],
    ['webhook', 'http://127.0.0.1:8123/hook', 'local'],
    ['webhook', 'http://localhost:8123/hook', 'local'],
    ['webhook', 'http://[::1]:8123/hook', 'local'],
    ['slack', 'http://127.0.0.1:8124/slack', 'local'],
    ['slack', SLACK_URL, 'local'],
  ];
  it.each(accepted)('accepts a %s channel to %s (%s)', (kind, url, policy) => {
    expect(checkChannelUrl(kind, url, policy).ok).toBe(true);
  });
});

describe('GET, PATCH, DELETE /v1/notification-channels/{id}', () => {
  it('lists channels newest first, pages with a cursor, and hides other projects’ channels', async () => {
    const project = await createProject();
    const other = await createProject();
    const first = await createChannelViaApi(project.token, { kind: 'webhook', url: `${RECEIVER}/1` });
    const second = await createChannelViaApi(project.token, { kind: 'slack', url: SLACK_URL });
    const theirs = await createChannelViaApi(other.token, { kind: 'webhook', url: RECEIVER });
    const page = await api<Page<NotificationChannelView>>(project.token, 'GET', '/v1/notification-channels?limit=1');
    expect(page.body.data.map((c) => c.id)).toEqual([second.id]);
    expect(page.body.has_more).toBe(true);
    const next = await api<Page<NotificationChannelView>>(project.token, 'GET', `/v1/notification-channels?limit=1&cursor=${page.body.next_cursor ?? ''}`);
    expect(next.body.data.map((c) => c.id)).toEqual([first.id]);
    expect((await apiProblem(project.token, 'GET', `/v1/notification-channels/${theirs.id}`)).status).toBe(404);
    expect((await apiProblem(project.token, 'PATCH', `/v1/notification-channels/${theirs.id}`, { enabled: false })).status).toBe(404);
    expect((await apiProblem(project.token, 'DELETE', `/v1/notification-channels/${theirs.id}`)).status).toBe(404);
  });

  it('changes name, enabled and url; a new url starts with a clean delivery record', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'webhook', url: RECEIVER });
    await env.DB.prepare(`UPDATE notification_channels SET state = 'failing', consecutive_failures = 6, last_failure = 'The receiver answered 500.' WHERE id = ?`).bind(created.id).run();

    const renamed = await api<NotificationChannelView>(project.token, 'PATCH', `/v1/notification-channels/${created.id}`, { name: 'Pager', enabled: false });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Pager', enabled: false, state: 'failing', consecutive_failures: 6 });

    const moved = await api<NotificationChannelView>(project.token, 'PATCH', `/v1/notification-channels/${created.id}`, { url: 'https://other.example.com/hook' });
    expect(moved.body).toMatchObject({ url: 'https://other.example.com/hook', state: 'active', consecutive_failures: 0, last_failure: null, name: 'Pager' });
    expect(moved.body).not.toHaveProperty('secret');

    const bad = await apiProblem(project.token, 'PATCH', `/v1/notification-channels/${created.id}`, { url: 'https://192.168.0.1/x', kind: 'slack' });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body)).toEqual(['/kind']);
    const badUrl = await apiProblem(project.token, 'PATCH', `/v1/notification-channels/${created.id}`, { url: 'https://192.168.0.1/x' });
    expect(errorPaths(badUrl.body)).toEqual(['/url']);
  });

  it('re-seals a Slack channel’s new URL and checks it as Slack’s', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'slack', url: SLACK_URL });
    const refused = await apiProblem(project.token, 'PATCH', `/v1/notification-channels/${created.id}`, { url: 'https://receiver.example.com/hook' });
    expect(errorPaths(refused.body)).toEqual(['/url']);
    const moved = await api<NotificationChannelView>(project.token, 'PATCH', `/v1/notification-channels/${created.id}`, { url: 'https://hooks.slack.com/services/T1/B1/NewSecretPartAbcd' });
    expect(moved.body).toMatchObject({ url_hint: 'https://hooks.slack.com/…Abcd' });
    expect(await channelRowText(created.id)).not.toContain('NewSecretPart');
  });

  it('deletes a channel: 204, then 404', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'webhook', url: RECEIVER });
    expect((await api(project.token, 'DELETE', `/v1/notification-channels/${created.id}`)).status).toBe(204);
    expect((await apiProblem(project.token, 'GET', `/v1/notification-channels/${created.id}`)).status).toBe(404);
  });
});

describe('POST /v1/notification-channels/{id}/rotate-secret', () => {
  it('shows a new secret once; the old one keeps signing for the overlap', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'webhook', url: RECEIVER });
    const rotated = await api<{ secret: string; secret_id: string; overlap_seconds: number; previous_secrets_expire_at: string | null; secrets: { id: string; expires_at: string | null }[] }>(
      project.token,
      'POST',
      `/v1/notification-channels/${created.id}/rotate-secret`,
      { overlap_seconds: 3600 },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.overlap_seconds).toBe(3600);
    expect(rotated.body.secrets).toHaveLength(2);
    expect(rotated.body.secrets[0]).toMatchObject({ id: rotated.body.secret_id, expires_at: null });
    expect(rotated.body.secrets[1]?.expires_at).toBe(rotated.body.previous_secrets_expire_at);
    const got = await channelOf(project.token, created.id);
    expect(JSON.stringify(got)).not.toContain(rotated.body.secret);
  });

  it('answers 409 for a Slack channel, which has no signing secret', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'slack', url: SLACK_URL });
    const refused = await apiProblem(project.token, 'POST', `/v1/notification-channels/${created.id}/rotate-secret`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('PATCH');
  });
});

describe('POST /v1/notification-channels/{id}/test', () => {
  it('says a test to a receiver that cannot be reached was not delivered, and shows the failure on the channel', async () => {
    const project = await createProject();
    // Port 9 (discard) has no listener here: the connection is refused at once.
    const created = await createChannelViaApi(project.token, { kind: 'webhook', url: 'http://127.0.0.1:9/hook' });
    const tested = await api<{ notification_id: string; delivered: boolean; status: number | null; failure: string | null }>(project.token, 'POST', `/v1/notification-channels/${created.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ delivered: false, status: null, failure: expect.stringContaining('could not be reached') });
    expect(tested.body.notification_id).toMatch(/^ntf_test_/);
    const after = await channelOf(project.token, created.id);
    expect(after).toMatchObject({ state: 'active', consecutive_failures: 1, last_failure: tested.body.failure });
  });
});

describe('GET /v1/openapi.json', () => {
  it('documents the channel routes with the schemas that validate them', async () => {
    type Operation = { requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, Record<string, unknown>> } } } }; description?: string };
    const doc = (await api<{ paths: Record<string, Record<string, Operation>> }>(null, 'GET', '/v1/openapi.json')).body;
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/v1/notification-channels')).sort()).toEqual([
      '/v1/notification-channels',
      '/v1/notification-channels/{id}',
      '/v1/notification-channels/{id}/rotate-secret',
      '/v1/notification-channels/{id}/test',
    ]);
    const create = doc.paths['/v1/notification-channels']?.post;
    expect(create?.requestBody?.content['application/json'].schema.properties?.kind).toMatchObject({ enum: ['webhook', 'slack'] });
    expect(create?.description).toContain('`notification_channel.create`');
  });
});

describe('audit', () => {
  it('records each change to a channel under its own action', async () => {
    const project = await createProject();
    const created = await createChannelViaApi(project.token, { kind: 'webhook', url: RECEIVER });
    await api(project.token, 'PATCH', `/v1/notification-channels/${created.id}`, { name: 'Renamed' });
    await api(project.token, 'POST', `/v1/notification-channels/${created.id}/rotate-secret`);
    await api(project.token, 'DELETE', `/v1/notification-channels/${created.id}`);
    const entries = (await auditLog(project.token)).filter((e) => e.resource_id === created.id);
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['notification_channel.delete', 'ok'],
      ['notification_channel.secret.rotate', 'ok'],
      ['notification_channel.update', 'ok'],
      ['notification_channel.create', 'ok'],
    ]);
  });
});
