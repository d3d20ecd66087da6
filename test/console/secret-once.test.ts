/**
 * A secret the console makes is shown once, from a one-time page bound to the session: the POST
 * keeps it sealed in D1 (console_handoffs) and redirects; the first load shows it and clears it; a
 * reload says it was shown; another session, or anyone after ten minutes, finds no such page.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, createWebhookViaApi, sendToWebhook, type WebhookBody } from '../helpers/control-api';
import { signedIn, visibleText, type ConsoleBrowser } from '../helpers/console';
import { follow, redirectTarget } from '../helpers/console-prg';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';

interface HandoffRow {
  id: string;
  kind: string;
  sealed: string | null;
  taken_at: number | null;
  expires_at: number;
  created_at: number;
}

function secretIn(html: string): string | undefined {
  return /<code id="new-secret">([^<]+)<\/code>/.exec(html)?.[1];
}

async function handoff(id: string): Promise<HandoffRow | null> {
  return env.DB.prepare('SELECT * FROM console_handoffs WHERE id = ?').bind(id).first<HandoffRow>();
}

function ticketOf(path: string): string {
  return path.split('/').pop() ?? '';
}

/** A webhook with a generated secret, and a signed-in browser that rotated it: the 303's target. */
async function rotated(): Promise<{ project: TestProject; hook: WebhookBody; browser: ConsoleBrowser; secretPath: string }> {
  const project = await createProject();
  const hook = await createWebhookViaApi(project.token, { name: 'Rotating', sample_payload: CHART_SAMPLE });
  const browser = await signedIn(project.token);
  await browser.get(`/webhooks/${hook.id}`);
  const answer = await browser.post(`/webhooks/${hook.id}/rotate-secret`, { secret: '', overlap_seconds: '3600' });
  const secretPath = redirectTarget(answer);
  expect(secretPath).toMatch(new RegExp(`^/webhooks/${hook.id}/secret/[A-Za-z0-9_-]{43}$`));
  // The POST's own answer shows nothing: the secret is only on the page it redirects to.
  expect(answer.html).not.toContain('whsec_');
  return { project, hook, browser, secretPath };
}

describe('console: a new secret is shown once', () => {
  it('Should show a rotated secret once, then say it was shown, and rotate only once', async () => {
    const { project, hook, browser, secretPath } = await rotated();
    const page = await browser.get(secretPath);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const secret = secretIn(page.html);
    expect(secret).toMatch(/^whsec_/);
    expect(visibleText(page.html)).toContain('Secret rotated. The previous secret keeps verifying until');
    const afterFirst = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(afterFirst.body.secrets).toHaveLength(2);

    for (let reload = 0; reload < 2; reload++) {
      const again = await browser.get(secretPath);
      expect(again.status).toBe(200);
      expect(again.headers.get('cache-control')).toBe('no-store');
      expect(again.html).not.toContain(secret);
      expect(visibleText(again.html)).toContain('This secret was already shown');
      expect(visibleText(again.html)).toContain('if you did not store the secret, rotate it');
    }
    // No second rotation: the same secrets, and the one shown verifies.
    const afterReloads = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(afterReloads.body.secrets).toEqual(afterFirst.body.secrets);
    await sendToWebhook(hook, secret ?? '', CHART_SAMPLE);
  });

  it('Should keep the secret sealed at rest and clear it as it is shown', async () => {
    const { browser, secretPath } = await rotated();
    const before = await handoff(ticketOf(secretPath));
    expect(before?.kind).toBe('secret');
    expect(before?.sealed).toMatch(/^v1\./);
    expect(before?.taken_at).toBeNull();
    // Ten minutes to open it.
    expect((before?.expires_at ?? 0) - (before?.created_at ?? 0)).toBe(10 * 60 * 1000);
    const secret = secretIn((await browser.get(secretPath)).html) ?? '';
    expect(secret).not.toBe('');
    expect(before?.sealed).not.toContain(secret);
    expect(before?.sealed).not.toContain(secret.slice('whsec_'.length, 20));
    const after = await handoff(ticketOf(secretPath));
    expect(after?.sealed).toBeNull();
    expect(after?.taken_at).not.toBeNull();
    const everything = await env.DB.prepare('SELECT * FROM console_handoffs').all();
    expect(JSON.stringify(everything.results)).not.toContain(secret);
  });

  it('Should answer 404 to another session, which leaves the secret to its own session', async () => {
    const { project, browser, secretPath } = await rotated();
    const other = await signedIn(project.token);
    const stolen = await other.get(secretPath);
    expect(stolen.status).toBe(404);
    expect(stolen.html).not.toContain('whsec_');
    expect(secretIn((await browser.get(secretPath)).html)).toMatch(/^whsec_/);
    expect((await other.get(secretPath)).status).toBe(404);
  });

  it('Should show it to only one of two loads at once', async () => {
    const { browser, secretPath } = await rotated();
    const pages = await Promise.all([browser.get(secretPath), browser.get(secretPath), browser.get(secretPath)]);
    expect(pages.filter((p) => secretIn(p.html) !== undefined)).toHaveLength(1);
  });

  it('Should find an expired ticket gone, and sweep expired rows on the next write', async () => {
    const { hook, browser, secretPath } = await rotated();
    await env.DB.prepare('UPDATE console_handoffs SET expires_at = ? WHERE id = ?').bind(Date.now() - 1, ticketOf(secretPath)).run();
    const expired = await browser.get(secretPath);
    expect(expired.status).toBe(404);
    expect(expired.html).not.toContain('whsec_');
    expect(visibleText(expired.html)).toContain('rotate it');
    expect(await handoff(ticketOf(secretPath))).not.toBeNull();
    // Any later write (here a refused form) deletes it: expired rows do not linger.
    await browser.post(`/webhooks/${hook.id}/controls`, { rate_limit: 'lots', ip_allowlist: '' });
    expect(await handoff(ticketOf(secretPath))).toBeNull();
  });

  it('Should end with the session: a signed-out session’s secrets are deleted', async () => {
    const { browser, secretPath } = await rotated();
    expect(await handoff(ticketOf(secretPath))).not.toBeNull();
    await browser.post('/sign-out');
    expect(await handoff(ticketOf(secretPath))).toBeNull();
  });

  it('Should not open a ticket under another webhook’s address', async () => {
    const { project, browser, secretPath } = await rotated();
    const otherHook = await createWebhookViaApi(project.token, { name: 'Other' });
    const moved = secretPath.replace(/\/webhooks\/[^/]+\//, `/webhooks/${otherHook.id}/`);
    expect((await browser.get(moved)).status).toBe(404);
    expect(secretIn((await browser.get(secretPath)).html)).toMatch(/^whsec_/);
  });

  it('Should show the new secret page after the form, as a browser follows it', async () => {
    const { browser, hook } = await rotated();
    // A second rotation from the page: its own ticket, its own one-time page.
    const page = await follow(browser, await browser.post(`/webhooks/${hook.id}/rotate-secret`, { secret: '', overlap_seconds: '0' }));
    expect(secretIn(page.html)).toMatch(/^whsec_/);
    expect(visibleText(page.html)).toContain('Secret rotated. The previous secret no longer verifies.');
    expect(page.html).toContain(`href="/webhooks/${hook.id}#auth"`);
  });
});
