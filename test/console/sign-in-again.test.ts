/**
 * A sign-in ends what came before it: the session the browser's cookie named is deleted, and the
 * sign-in form's CSRF cookie, whose work is done, is expired in the same answer.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ConsoleBrowser, LOCAL_CONSOLE, signedIn } from '../helpers/console';
import { createProject } from '../helpers/fixtures';

const SESSION = '__Host-hasp_console';

async function sessionRows(projectId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM console_sessions WHERE project_id = ?').bind(projectId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** A browser holding only `cookie` as its session: what a second tab or a copied jar replays. */
function holding(cookie: string): ConsoleBrowser {
  const browser = new ConsoleBrowser();
  browser.cookies.set(SESSION, cookie);
  return browser;
}

/** Loads the sign-in form as a tab opened before the sign-in would have it: with its own CSRF cookie. */
async function freshSignInForm(browser: ConsoleBrowser): Promise<void> {
  const session = browser.cookies.get(SESSION);
  browser.cookies.delete(SESSION);
  await browser.get('/sign-in');
  if (session !== undefined) browser.cookies.set(SESSION, session);
}

describe('signing in again', () => {
  it('Should end the session the browser held, leaving one live session', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const first = browser.cookies.get(SESSION) ?? '';
    expect(first).not.toBe('');

    // A browser still holding its session cookie posts a fresh sign-in form (from a second tab).
    await freshSignInForm(browser);
    const again = await browser.post('/sign-in', { token: project.token });
    expect(again.status).toBe(303);
    const second = browser.cookies.get(SESSION) ?? '';
    expect(second).not.toBe(first);

    const old = await holding(first).get('/');
    expect(old.status).toBe(303);
    expect(old.location).toBe('/sign-in');
    expect((await holding(second).get('/')).status).toBe(200);
    expect(await sessionRows(project.projectId)).toBe(1);
  });

  it("Should end the held session even when it was another project's", async () => {
    const a = await createProject();
    const b = await createProject();
    const browser = await signedIn(a.token);
    const first = browser.cookies.get(SESSION) ?? '';
    await freshSignInForm(browser);
    expect((await browser.post('/sign-in', { token: b.token })).status).toBe(303);
    expect((await holding(first).get('/')).status).toBe(303);
    expect(await sessionRows(a.projectId)).toBe(0);
    expect(await sessionRows(b.projectId)).toBe(1);
  });
});

describe('the sign-in form’s CSRF cookie', () => {
  it('Should be expired by a successful sign-in, with the attributes it was set with', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser();
    const form = await browser.get('/sign-in');
    const set = form.headers.getSetCookie().find((c) => c.startsWith('__Host-hasp_console_signin='));
    expect(set).toBeDefined();
    const answer = await browser.post('/sign-in', { token: project.token });
    expect(answer.status).toBe(303);
    const expired = answer.headers.getSetCookie().find((c) => c.startsWith('__Host-hasp_console_signin='));
    expect(expired).toBeDefined();
    expect(expired).toMatch(/^__Host-hasp_console_signin=;/);
    expect(expired).toMatch(/;\s*Max-Age=0/i);
    expect(expired).toMatch(/;\s*Path=\//i);
    expect(expired).toMatch(/;\s*Secure/i);
    expect(expired).toMatch(/;\s*HttpOnly/i);
    expect(expired).toMatch(/;\s*SameSite=Strict/i);
    expect(expired).not.toMatch(/Domain=/i);
    expect(browser.cookies.has('__Host-hasp_console_signin')).toBe(false);
  });

  it('Should be expired without Secure on console.localhost', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser(LOCAL_CONSOLE);
    const answer = await browser.signIn(project.token);
    expect(answer.status).toBe(303);
    const expired = answer.headers.getSetCookie().find((c) => c.startsWith('hasp_console_signin='));
    expect(expired).toMatch(/^hasp_console_signin=;/);
    expect(expired).toMatch(/;\s*Max-Age=0/i);
    expect(expired).not.toMatch(/;\s*Secure/i);
  });

  it('Should stay after a refused token, so the form can be sent again', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser();
    expect((await browser.signIn('hasp_not-a-real-token-000000000000')).status).toBe(401);
    expect(browser.cookies.has('__Host-hasp_console_signin')).toBe(true);
    expect((await browser.post('/sign-in', { token: project.token })).status).toBe(303);
  });
});
