import { describe, expect, it } from 'vitest';
import { allPages, type WebhookBody } from '../helpers/control-api';
import { ConsoleBrowser, signedIn } from '../helpers/console';
import { createProject, type TestProject } from '../helpers/fixtures';

const NEW_HOOK = { name: 'Forged hook', slug: 'forged-hook', description: '', auth_choice: 'hmac', draft_auth: '', auth_header: '', schema: '', sample_payload: '' };

async function webhookSlugs(project: TestProject): Promise<string[]> {
  return (await allPages<WebhookBody>(project.token, '/v1/webhooks', 100)).flatMap((p) => p.data.map((w) => w.slug));
}

describe('console CSRF', () => {
  it('Should refuse a POST without the CSRF token and change nothing', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const answer = await browser.post('/webhooks', { ...NEW_HOOK, _csrf: '' });
    expect(answer.status).toBe(403);
    expect(answer.html).toContain('Nothing was changed');
    expect(await webhookSlugs(project)).toEqual([]);
  });

  it('Should refuse a POST with another session’s CSRF token', async () => {
    const project = await createProject();
    const victim = await signedIn(project.token);
    const attacker = await signedIn(project.token);
    expect(attacker.csrf).not.toBe(victim.csrf);
    const answer = await victim.post('/webhooks', { ...NEW_HOOK, _csrf: attacker.csrf ?? '' });
    expect(answer.status).toBe(403);
    expect(await webhookSlugs(project)).toEqual([]);
  });

  it('Should refuse a forged cross-site POST even with the right token and cookie', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const foreignOrigin = await browser.post('/webhooks', NEW_HOOK, { origin: 'https://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    const crossSite = await browser.post('/webhooks', NEW_HOOK, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const nullOrigin = await browser.post('/webhooks', NEW_HOOK, { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    expect(await webhookSlugs(project)).toEqual([]);
  });

  it('Should accept the same POST from the console’s own page', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const answer = await browser.post('/webhooks', NEW_HOOK, { origin: 'https://console.usehasp.run', 'sec-fetch-site': 'same-origin' });
    expect(answer.status).toBe(303);
    expect(await webhookSlugs(project)).toEqual(['forged-hook']);
  });

  it('Should accept `Origin: null` only when the browser itself says the form is same-origin', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const privacyBrowser = await browser.post('/webhooks', NEW_HOOK, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(privacyBrowser.status).toBe(303);
    const sandboxed = await browser.post('/webhooks', { ...NEW_HOOK, slug: 'sandboxed-hook' }, { origin: 'null', 'sec-fetch-site': 'cross-site' });
    expect(sandboxed.status).toBe(403);
    const noToken = await browser.post('/webhooks', { ...NEW_HOOK, slug: 'no-token-hook', _csrf: '' }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(noToken.status).toBe(403);
    expect(await webhookSlugs(project)).toEqual(['forged-hook']);
  });

  it('Should refuse a forged sign-out and keep the session', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const forged = await browser.post('/sign-out', { _csrf: 'guess' });
    expect(forged.status).toBe(403);
    expect((await browser.get('/')).status).toBe(200);
  });

  it('Should refuse a sign-in POST without the sign-in form’s token (login CSRF)', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser();
    const answer = await browser.post('/sign-in', { token: project.token });
    expect(answer.status).toBe(403);
    expect([...browser.cookies.keys()].some((k) => k.includes('hasp_console') && !k.includes('signin'))).toBe(false);
    const foreign = new ConsoleBrowser();
    await foreign.get('/sign-in');
    expect((await foreign.post('/sign-in', { token: project.token }, { origin: 'https://evil.example' })).status).toBe(403);
  });
});
