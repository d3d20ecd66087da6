/**
 * Sign-in returns to the page that was asked for: a link or bookmark opened after the session
 * ended lands there once the token is accepted, and only a path on the console itself is followed.
 */
import { describe, expect, it } from 'vitest';
import { safeReturnPath, signInReturningTo } from '../../shared/console/return-to';
import { ConsoleBrowser } from '../helpers/console';
import { createProject, createWebhook } from '../helpers/fixtures';

describe('where sign-in returns', () => {
  it('Should return to the page asked for while signed out, query included', async () => {
    const project = await createProject();
    const webhook = await createWebhook(project);
    const browser = new ConsoleBrowser();
    const asked = `/webhooks/${webhook.id}?tab=refusals`;

    const bounced = await browser.get(asked);
    expect(bounced.status).toBe(303);
    expect(bounced.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(asked)}`);

    const form = await browser.get(bounced.headers.get('location') ?? '');
    expect(form.html).toContain(`name="next" value="${asked.replace(/&/g, '&amp;')}"`);
    const signedIn = await browser.post('/sign-in', { token: project.token, next: asked });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(asked);
    expect((await browser.get(asked)).status).toBe(200);
  });

  it('Should send an already signed-in browser straight on to next', async () => {
    const project = await createProject();
    const browser = new ConsoleBrowser();
    await browser.signIn(project.token);
    const again = await browser.get(`/sign-in?next=${encodeURIComponent('/workflows')}`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/workflows');
  });

  it('Should follow no next that leaves the console, and ask for none from the list or a form post', async () => {
    const project = await createProject();
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '/sign-in', '/ok\r\nset-cookie: x=1', 'webhooks']) {
      const browser = new ConsoleBrowser();
      await browser.get('/sign-in');
      const answer = await browser.post('/sign-in', { token: project.token, next });
      expect(answer.status, next).toBe(303);
      expect(answer.headers.get('location'), next).toBe('/');
    }
    const signedOut = new ConsoleBrowser();
    expect((await signedOut.get('/')).headers.get('location')).toBe('/sign-in');
    // A form's POST is never repeated by a sign-in: it returns to nothing in particular.
    expect((await signedOut.post('/webhooks/wh_abc/enabled', { enabled: 'false' })).headers.get('location')).toBe('/sign-in');
  });

  it('Should accept console paths and refuse everything else as a return path', () => {
    expect(safeReturnPath('/webhooks/wh_1#auth')).toBe('/webhooks/wh_1#auth');
    expect(safeReturnPath('/domains?x=1')).toBe('/domains?x=1');
    for (const bad of [undefined, 42, '', 'x', '//a', '/\\a', '/a b', '/sign-out', '/sign-in?next=/', `/${'a'.repeat(2_000)}`]) expect(safeReturnPath(bad), String(bad)).toBeNull();
    expect(signInReturningTo('/')).toBe('/sign-in');
    expect(signInReturningTo('/workflows')).toBe('/sign-in?next=%2Fworkflows');
  });
});
