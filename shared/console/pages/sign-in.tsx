/**
 * Sign-in with a project API token (once: the session keeps the token's id, never the token) and
 * sign-out (the session row is deleted, so the old cookie opens nothing).
 */
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ConsoleDeps, ConsoleEnv } from '../context';
import { CsrfField, requireSignInCsrf, signInCsrfToken } from '../csrf';
import { setFlash } from '../flash';
import { renderDocument } from '../layout';
import { clearSessionCookie, endSession, findSession, sessionCookieName, setSessionCookie, signIn } from '../session';

const SignInForm = ({ csrf, error }: { csrf: string; error: string | null }) => (
  <>
    <h1>Sign in to the HASP console</h1>
    {error && (
      <div class="flash error" role="alert">
        {error}
      </div>
    )}
    <form method="post" action="/sign-in" class="stack">
      <CsrfField token={csrf} />
      <div class="field">
        <label for="token">Project API token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck={false} required aria-describedby="token-hint" />
        <p id="token-hint" class="hint">
          The token starts with <code>hasp_</code>. It is checked once and not kept: the console remembers only which token signed you in, and
          signs you out if that token is deleted. <code>npm run dev</code> prints the local project’s token.
        </p>
      </div>
      <div>
        <button type="submit">Sign in</button>
      </div>
    </form>
  </>
);

/** Public routes: the sign-in form and its POST. */
export function signInRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const now = deps.now ?? Date.now;

  app.get('/sign-in', async (c) => {
    // Already signed in: nothing to do here.
    const existing = getCookie(c, sessionCookieName(c.var.local));
    if (existing && (await findSession(c.env.DB, existing, now()))) return c.redirect('/', 303);
    return renderDocument(c, { title: 'Sign in', session: null }, <SignInForm csrf={signInCsrfToken(c)} error={null} />);
  });

  app.post('/sign-in', requireSignInCsrf, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : '';
    const result = token.trim() === '' ? ({ ok: false } as const) : await signIn(c.env.DB, token, now());
    if (!result.ok) {
      const error = 'That token was not accepted. Paste a current project API token (it starts with hasp_) and try again.';
      return renderDocument(c, { title: 'Sign in', session: null, status: 401 }, <SignInForm csrf={signInCsrfToken(c)} error={error} />);
    }
    setSessionCookie(c, result.sessionId);
    return c.redirect('/', 303);
  });

  return app;
}

/** Behind requireSession and requireCsrf: ends the session. */
export function signOutRoutes() {
  const app = new Hono<ConsoleEnv>();
  app.post('/sign-out', async (c) => {
    await endSession(c.env.DB, c.var.session.idHash);
    clearSessionCookie(c);
    setFlash(c, { kind: 'notice', text: 'You are signed out.' });
    return c.redirect('/sign-in', 303);
  });
  return app;
}
