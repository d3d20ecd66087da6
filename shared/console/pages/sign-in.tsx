/**
 * Sign-in with a project API token (once: the session keeps the token's id, never the token) and
 * sign-out (the session row is deleted, so the old cookie opens nothing). A sign-in likewise ends
 * the session the browser held before it and expires the sign-in form's CSRF cookie.
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { AuthFailures, clientKey } from '../../control/auth-failures';
import type { ConsoleDeps, ConsoleEnv } from '../context';
import { clearSignInCsrfCookie, CsrfField, requireSignInCsrf, signInCsrfToken } from '../csrf';
import { setFlash } from '../flash';
import { renderDocument } from '../layout';
import { safeReturnPath } from '../return-to';
import { clearSessionCookie, endSession, findSession, sessionCookieName, setSessionCookie, signIn } from '../session';

const SignInForm = ({ csrf, error, next }: { csrf: string; error: string | null; next: string | null }) => (
  <>
    <h1>Sign in to the HASP console</h1>
    {error && (
      <div class="flash error" role="alert">
        {error}
      </div>
    )}
    <form method="post" action="/sign-in" class="stack">
      <CsrfField token={csrf} />
      {next !== null && <input type="hidden" name="next" value={next} />}
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

/** Past the wrong-token threshold: when to come back, and no form to send another guess with. */
const TooManyTries = ({ seconds, at }: { seconds: number; at: string }) => (
  <>
    <h1>Too many wrong tokens</h1>
    <div class="flash error" role="alert">
      Too many tokens that were not accepted came from your network. Try again in {seconds} {seconds === 1 ? 'second' : 'seconds'} (after {at} UTC).
    </div>
    <p>
      Nothing was checked this time. Then <a href="/sign-in">open the sign-in form</a> again and paste a current project API token; <code>npm run dev</code>{' '}
      prints the local project’s token.
    </p>
  </>
);

/** Public routes: the sign-in form and its POST. */
export function signInRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const now = deps.now ?? Date.now;
  const failures = deps.authFailures ?? new AuthFailures();

  const tooManyTries = (c: Context<ConsoleEnv>, seconds: number) => {
    c.header('retry-after', String(seconds));
    const at = new Date(now() + seconds * 1000).toISOString().slice(11, 19);
    return renderDocument(c, { title: 'Too many wrong tokens', session: null, status: 429 }, <TooManyTries seconds={seconds} at={at} />);
  };

  app.get('/sign-in', async (c) => {
    // Already signed in: nothing to do here.
    const next = safeReturnPath(c.req.query('next'));
    const existing = getCookie(c, sessionCookieName(c.var.local));
    if (existing && (await findSession(c.env.DB, existing, now()))) return c.redirect(next ?? '/', 303);
    return renderDocument(c, { title: 'Sign in', session: null }, <SignInForm csrf={signInCsrfToken(c)} error={null} next={next} />);
  });

  app.post('/sign-in', requireSignInCsrf, async (c) => {
    // Counted with the control API's wrong tokens: both guess the same tokens (shared/control/auth-failures.ts).
    const client = clientKey(c.req.raw);
    const blocked = failures.blocked(client);
    if (blocked !== null) return tooManyTries(c, blocked);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const next = safeReturnPath(form.next);
    const held = getCookie(c, sessionCookieName(c.var.local)) ?? null;
    const result = token === '' ? ({ ok: false } as const) : await signIn(c.env.DB, token, now(), held);
    if (!result.ok) {
      // An empty field reads nothing from D1, so it is not a guess worth counting.
      const wait = token === '' ? null : await failures.countFailure(c.env.AUTH_FAILURES, client);
      if (wait !== null) return tooManyTries(c, wait);
      const error = 'That token was not accepted. Paste a current project API token (it starts with hasp_) and try again.';
      return renderDocument(c, { title: 'Sign in', session: null, status: 401 }, <SignInForm csrf={signInCsrfToken(c)} error={error} next={next} />);
    }
    setSessionCookie(c, result.sessionId);
    clearSignInCsrfCookie(c);
    return c.redirect(next ?? '/', 303);
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
