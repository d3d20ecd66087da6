/**
 * Cross-site request forgery: every state-changing console request must (1) come from a page of the
 * console itself, as far as the browser says (`Sec-Fetch-Site`, `Origin`), and (2) carry the
 * session's CSRF token in the form field `_csrf`. SameSite=Strict cookies already keep a cross-site
 * POST signed out; these two checks hold even where a browser gets SameSite wrong.
 *
 * Before sign-in there is no session, so the sign-in form uses a double-submit token: a random value
 * in an HttpOnly, SameSite=Strict cookie and the same value in the form. A cross-site page can
 * neither read the cookie nor make the browser send it, so it cannot sign a victim into its project.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { FC } from 'hono/jsx';
import { timingSafeEqual } from '../signatures/hmac';
import type { ConsoleEnv } from './context';
import { randomToken } from './session';

export const CSRF_FIELD = '_csrf';

/** The hidden field every state-changing form carries: `<CsrfField token={c.var.session.csrfToken} />`. */
export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type CsrfRefusal = 'cross-site' | 'foreign-origin' | 'missing-token' | 'wrong-token';

/**
 * What the browser says about where the request came from. Requests without these headers (curl,
 * tests) pass this check and still need the token.
 */
export function originRefusal(request: Request): CsrfRefusal | null {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return 'cross-site';
  const origin = request.headers.get('origin');
  if (origin === null) return null;
  const host = request.headers.get('host') ?? new URL(request.url).host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    // `Origin: null` comes from sandboxed frames and privacy settings alike. Only a browser's own
    // `Sec-Fetch-Site: same-origin` (no page can set it) makes it the console's page; the token is still required.
    return site === 'same-origin' ? null : 'foreign-origin';
  }
  return originHost.toLowerCase() === host.toLowerCase() ? null : 'foreign-origin';
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Constant-time comparison of a submitted token with the expected one. */
export async function tokensMatch(submitted: string, expected: string): Promise<boolean> {
  return timingSafeEqual(await digest(submitted), await digest(expected));
}

async function submittedToken(c: Context<ConsoleEnv>): Promise<string | null> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return null;
  // parseBody caches the parsed form, so the route handler reads the same body afterwards.
  const value = (await c.req.parseBody())[CSRF_FIELD];
  return typeof value === 'string' && value !== '' ? value : null;
}

async function refusal(c: Context<ConsoleEnv>, expected: string | null): Promise<CsrfRefusal | null> {
  const fromOrigin = originRefusal(c.req.raw);
  if (fromOrigin !== null) return fromOrigin;
  const submitted = await submittedToken(c);
  if (submitted === null || expected === null) return 'missing-token';
  return (await tokensMatch(submitted, expected)) ? null : 'wrong-token';
}

/** The page a refused form gets; it names the fix, not which check failed. */
function refused(c: Context<ConsoleEnv>): Response {
  c.header('cache-control', 'no-store');
  return c.html(
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Form refused · HASP console</title><link rel="stylesheet" href="/assets/console.css"></head>' +
      '<body><main id="main"><h1>This form could not be accepted</h1><p>It was sent from another site, or the page it came from has expired. ' +
      'Nothing was changed. <a href="/">Go back to the console</a>, reload the page and try again.</p></main></body></html>',
    403,
  );
}

/** For routes behind `requireSession`: state-changing requests need the session's token. */
export const requireCsrf = createMiddleware<ConsoleEnv>(async (c, next) => {
  if (!STATE_CHANGING.has(c.req.method)) return next();
  if ((await refusal(c, c.var.session.csrfToken)) !== null) return refused(c);
  await next();
});

const SIGN_IN_SECURE = '__Host-hasp_console_signin';
const SIGN_IN_LOCAL = 'hasp_console_signin';

/** The sign-in form's double-submit token: the cookie's value, set when absent. */
export function signInCsrfToken(c: Context<ConsoleEnv>): string {
  const name = c.var.local ? SIGN_IN_LOCAL : SIGN_IN_SECURE;
  const existing = getCookie(c, name);
  if (existing) return existing;
  const token = randomToken();
  setCookie(c, name, token, { httpOnly: true, sameSite: 'Strict', secure: !c.var.local, path: '/', maxAge: 60 * 60 });
  return token;
}

/**
 * Expires the sign-in cookie once a sign-in succeeded: its one form is used, and from then on the
 * session's own token guards every form. Same name and attributes as set, or browsers keep it.
 */
export function clearSignInCsrfCookie(c: Context<ConsoleEnv>): void {
  const local = c.var.local;
  deleteCookie(c, local ? SIGN_IN_LOCAL : SIGN_IN_SECURE, { httpOnly: true, sameSite: 'Strict', secure: !local, path: '/' });
}

/** For the sign-in POST: the form's `_csrf` must equal the sign-in cookie. */
export const requireSignInCsrf = createMiddleware<ConsoleEnv>(async (c, next) => {
  const cookie = getCookie(c, c.var.local ? SIGN_IN_LOCAL : SIGN_IN_SECURE) ?? null;
  if ((await refusal(c, cookie)) !== null) return refused(c);
  await next();
});
