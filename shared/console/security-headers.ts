/**
 * Headers on every console response. The Content-Security-Policy allows scripts and styles only
 * from the console's own /assets (no inline script, no inline style, no `unsafe-inline`), so
 * markup that slipped through escaping still could not run. Pages are never cached: they show a
 * project's webhooks and, once, a secret.
 */
import { createMiddleware } from 'hono/factory';
import type { ConsoleEnv } from './context';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // The live refresh polls the console's own JSON routes and re-reads its own pages.
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const securityHeaders = createMiddleware<ConsoleEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
  headers.set('x-frame-options', 'DENY');
  headers.set('x-content-type-options', 'nosniff');
  // Not `no-referrer`: under it Chromium sends `Origin: null` on the console's own form POSTs, which
  // the CSRF check cannot tell from a sandboxed page's. `same-origin` still sends nothing cross-site.
  headers.set('referrer-policy', 'same-origin');
  headers.set('cross-origin-opener-policy', 'same-origin');
  headers.set('cross-origin-resource-policy', 'same-origin');
  headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  // Only the versionless static assets may be cached; everything else may hold project data.
  if (!c.req.path.startsWith('/assets/')) headers.set('cache-control', 'no-store');
});
