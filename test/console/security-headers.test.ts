import { describe, expect, it } from 'vitest';
import { createWebhookViaApi } from '../helpers/control-api';
import { ConsoleBrowser, signedIn, type ConsolePage } from '../helpers/console';
import { createProject } from '../helpers/fixtures';

function expectLockedDown(page: ConsolePage, path: string): void {
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp, path).toContain("script-src 'self'");
  expect(csp, path).toContain("style-src 'self'");
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(csp, path).not.toContain('unsafe-inline');
  expect(csp, path).not.toContain('unsafe-eval');
  expect(page.headers.get('x-frame-options'), path).toBe('DENY');
  // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on the console's own forms.
  expect(page.headers.get('referrer-policy'), path).toBe('same-origin');
  expect(page.headers.get('cache-control'), path).toBe('no-store');
  // Nothing inline that the policy would have to allow.
  expect(page.html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(page.html, path).not.toMatch(/\sstyle="/);
  expect(page.html, path).not.toMatch(/<style\b/);
  expect(page.html, path).not.toMatch(/\son[a-z]+="/);
  expect(page.html, path).not.toMatch(/https?:\/\/(?!console\.usehasp\.run)[^"]*\.(js|css)"/);
}

describe('console security headers', () => {
  it('Should send a CSP without unsafe-inline on every page', async () => {
    const signedOut = new ConsoleBrowser();
    for (const path of ['/sign-in']) expectLockedDown(await signedOut.get(path), path);
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'Headers hook' });
    const browser = await signedIn(project.token);
    for (const path of ['/', '/webhooks/new', '/workflows', `/webhooks/${hook.id}`, '/no-such-page']) {
      const page = await browser.get(path);
      expect([200, 404], path).toContain(page.status);
      expectLockedDown(page, path);
    }
    const draft = await browser.post('/webhooks/new', { description: 'Add a webhook endpoint for Stripe payment events.' });
    expectLockedDown(draft, 'POST /webhooks/new');
    const refused = await browser.post('/webhooks', { _csrf: 'wrong' });
    expect(refused.status).toBe(403);
    expectLockedDown(refused, 'refused POST');
  });

  it('Should serve the client script and stylesheet from the Worker itself', async () => {
    const browser = new ConsoleBrowser();
    const script = await browser.get('/assets/console.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.html).toContain('data-copy');
    const css = await browser.get('/assets/console.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });
});
