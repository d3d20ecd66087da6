/**
 * Every response of the service carries `X-Content-Type-Options: nosniff`, whichever app answered
 * it and however it ended: the ingress, the control API, the console, and hosts that are none of them.
 * And a refusal never echoes what the sender put in its headers.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { withNosniff } from '../shared/http/nosniff';
import { API } from './helpers/control-api';
import { CONSOLE } from './helpers/console';
import { CHART_SAMPLE, createProject, createWebhook, type TestProject, type TestWebhook } from './helpers/fixtures';
import { post, postSigned, problemOf, webhookUrl } from './helpers/send';

async function withHook(spec: Parameters<typeof createWebhook>[1] = {}): Promise<{ project: TestProject; hook: TestWebhook; url: string }> {
  const project = await createProject();
  const hook = await createWebhook(project, spec);
  return { project, hook, url: webhookUrl(project.orgSlug, hook.slug) };
}

function expectNosniff(response: Response, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('X-Content-Type-Options: nosniff', () => {
  it('is on the ingress’s 202 and on each of its refusals', async () => {
    const { hook, url } = await withHook();
    const small = await withHook({ bodyLimitBytes: 16 });
    const cases: [Promise<Response>, number][] = [
      [postSigned(url, hook.secret, CHART_SAMPLE), 202],
      [postSigned(url, hook.secret, '{"not json'), 400],
      [post(url, JSON.stringify(CHART_SAMPLE)), 401],
      [post(url.replace(hook.slug, 'no-such-hook'), '{}'), 404],
      [post(url, '', { method: 'GET' }), 405],
      [postSigned(small.url, small.hook.secret, CHART_SAMPLE), 413],
      [postSigned(url, hook.secret, 'a=1', { contentType: 'text/plain' }), 415],
    ];
    for (const [pending, status] of cases) {
      const response = await pending;
      expectNosniff(response, status);
      if (status === 405) expect(response.headers.get('allow')).toContain('POST');
      await response.body?.cancel();
    }
  });

  it('is on the 404 of a host that is no org', async () => {
    const response = await post('https://www.usehasp.run/webhooks/anything', '{}');
    expectNosniff(response, 404);
  });

  it('is on the control API’s answers, its errors and its OpenAPI document', async () => {
    const project = await createProject();
    const auth = { authorization: `Bearer ${project.token}` };
    const cases: [Promise<Response>, number][] = [
      [SELF.fetch(`${API}/v1/webhooks`, { headers: auth }), 200],
      [SELF.fetch(`${API}/v1/webhooks`), 401],
      [SELF.fetch(`${API}/v1/nothing-here`, { headers: auth }), 404],
      [SELF.fetch(`${API}/v1/webhooks/wh_missing`, { headers: auth }), 404],
      [SELF.fetch(`${API}/v1/openapi.json`), 200],
    ];
    for (const [pending, status] of cases) {
      const response = await pending;
      expectNosniff(response, status);
      await response.body?.cancel();
    }
  });

  it('is on console pages, redirects and assets', async () => {
    const cases: [Promise<Response>, number][] = [
      [SELF.fetch(`${CONSOLE}/sign-in`), 200],
      [SELF.fetch(`${CONSOLE}/`, { redirect: 'manual' }), 303],
      [SELF.fetch(`${CONSOLE}/assets/console.css`), 200],
      [SELF.fetch(`${CONSOLE}/assets/console.js`), 200],
    ];
    for (const [pending, status] of cases) {
      const response = await pending;
      expectNosniff(response, status);
      await response.body?.cancel();
    }
  });
});

describe('withNosniff', () => {
  it('sets the header on the response itself when its headers can change', () => {
    const response = new Response('{}', { status: 202 });
    expect(withNosniff(response)).toBe(response);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('copies a response whose headers are immutable, keeping its status and headers', () => {
    const redirect = Response.redirect('https://console.usehasp.run/sign-in', 302);
    expect(() => redirect.headers.set('x-probe', '1')).toThrow(TypeError);
    const answered = withNosniff(redirect);
    expect(answered.status).toBe(302);
    expect(answered.headers.get('location')).toBe('https://console.usehasp.run/sign-in');
    expect(answered.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the ingress’s 415', () => {
  it('says what is accepted without echoing the Content-Type that was sent', async () => {
    const { hook, url } = await withHook();
    const response = await postSigned(url, hook.secret, CHART_SAMPLE, { contentType: 'text/evil<script>alert(1)</script>' });
    expect(response.status).toBe(415);
    const problem = await problemOf(response);
    expect(problem.code).toBe('unsupported-media-type');
    expect(problem.detail).not.toContain('evil');
    expect(problem.detail).not.toContain('<script>');
    expect(problem.detail).toContain('application/json');
  });
});
