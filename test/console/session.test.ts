import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ConsoleBrowser, CONSOLE, LOCAL_CONSOLE, signedIn } from '../helpers/console';
import { createProject } from '../helpers/fixtures';

function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}

describe('console sign-in', () => {
  it('Should sign in with a project API token and show the webhooks list', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser();
    const answer = await browser.signIn(project.token);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/');
    const list = await browser.get('/');
    expect(list.status).toBe(200);
    expect(list.html).toContain('<h1>Webhooks</h1>');
    expect(list.html).toContain(project.orgSlug);
  });

  it('Should not sign in - unknown token', async () => {
    const browser = new ConsoleBrowser();
    const answer = await browser.signIn('hasp_not-a-real-token-000000000000');
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('That token was not accepted');
    expect([...browser.cookies.keys()]).not.toContain('__Host-hasp_console');
    const list = await browser.get('/');
    expect(list.status).toBe(303);
    expect(list.location).toBe('/sign-in');
  });

  it('Should redirect a signed-out browser to the sign-in form', async () => {
    const page = await new ConsoleBrowser().get('/workflows');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in');
  });

  it('Should set an HttpOnly, SameSite=Strict, Secure __Host- cookie on the production host', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser(CONSOLE);
    const answer = await browser.signIn(project.token);
    const cookie = setCookies(answer.headers).find((c) => c.startsWith('__Host-hasp_console='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).toMatch(/Max-Age=\d+/i);
    // Only a hash of the session id is stored, and the token is stored nowhere.
    const id = /__Host-hasp_console=([^;]+)/.exec(cookie ?? '')?.[1] ?? '';
    const rows = await env.DB.prepare('SELECT * FROM console_sessions WHERE project_id = ?').bind(project.projectId).all();
    expect(rows.results).toHaveLength(1);
    const stored = JSON.stringify(rows.results);
    expect(stored).not.toContain(id);
    expect(stored).not.toContain(project.token);
  });

  it('Should set a cookie without Secure on console.localhost', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser(LOCAL_CONSOLE);
    const answer = await browser.signIn(project.token);
    expect(answer.status).toBe(303);
    const cookie = setCookies(answer.headers).find((c) => c.startsWith('hasp_console='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect((await browser.get('/')).status).toBe(200);
  });

  it('Should end the session on sign-out, so the old cookie opens nothing', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const oldCookies = new Map(browser.cookies);
    const out = await browser.post('/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/sign-in');
    const replay = new ConsoleBrowser();
    for (const [k, v] of oldCookies) replay.cookies.set(k, v);
    const page = await replay.get('/');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in');
  });

  it('Should expire the session after 2 hours idle, however long the cookie lives', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    // Still live just inside the idle window…
    await env.DB.prepare('UPDATE console_sessions SET last_seen_at = ? WHERE project_id = ?').bind(Date.now() - (2 * 60 - 1) * 60_000, project.projectId).run();
    expect((await browser.get('/')).status).toBe(200);
    // …and ended just past it.
    await env.DB.prepare('UPDATE console_sessions SET last_seen_at = ? WHERE project_id = ?').bind(Date.now() - (2 * 60 + 1) * 60_000, project.projectId).run();
    const page = await browser.get('/');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in');
    expect(setCookies(page.headers).some((c) => /^__Host-hasp_console=;/.test(c) && /Max-Age=0/i.test(c))).toBe(true);
  });

  it('Should expire the session 12 hours after sign-in, even when it is in use', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser();
    const answer = await browser.signIn(project.token);
    const cookie = setCookies(answer.headers).find((c) => c.startsWith('__Host-hasp_console=')) ?? '';
    expect(Number(/Max-Age=(\d+)/i.exec(cookie)?.[1])).toBe(12 * 60 * 60);
    const row = await env.DB.prepare('SELECT created_at, expires_at FROM console_sessions WHERE project_id = ?').bind(project.projectId).first<{ created_at: number; expires_at: number }>();
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(12 * 60 * 60 * 1000);
    expect((await browser.get('/')).status).toBe(200);
    await env.DB.prepare('UPDATE console_sessions SET expires_at = ?, last_seen_at = ? WHERE project_id = ?').bind(Date.now() - 1000, Date.now(), project.projectId).run();
    const page = await browser.get('/workflows');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in');
  });

  it('Should clear the cookie on sign-out and show the sign-in form', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const out = await browser.post('/sign-out');
    expect(setCookies(out.headers).some((c) => /^__Host-hasp_console=;/.test(c) && /Max-Age=0/i.test(c))).toBe(true);
    expect(browser.cookies.has('__Host-hasp_console')).toBe(false);
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM console_sessions WHERE project_id = ?').bind(project.projectId).first<{ n: number }>();
    expect(rows?.n).toBe(0);
    const form = await browser.get('/sign-in');
    expect(form.status).toBe(200);
    expect(form.html).toContain('You are signed out.');
  });

  it('Should end every session of a token when the token is deleted', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    expect((await browser.get('/')).status).toBe(200);
    await env.DB.prepare('DELETE FROM api_tokens WHERE project_id = ?').bind(project.projectId).run();
    const page = await browser.get('/');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in');
  });
});
