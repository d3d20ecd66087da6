/**
 * Where sign-in returns to: the console page that was asked for when the session had ended. Only a
 * path on the console itself is followed, so a crafted `?next=` link cannot send a fresh session
 * to another site (an open redirect) or back into the sign-in form.
 */

const MAX_LENGTH = 2_000;

/** `raw` when it is a path on this console worth returning to; otherwise null. */
export function safeReturnPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return null;
  // `//host` and `/\host` are read by browsers as another origin; controls and spaces never belong in a path.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  if (/[\s\u0000-\u001f\u007f\\]/.test(raw)) return null;
  const path = raw.split(/[?#]/, 1)[0] ?? '';
  if (path === '/sign-in' || path === '/sign-out') return null;
  return raw;
}

/** The sign-in address that returns to `pathAndQuery` afterwards (the list needs no `next`). */
export function signInReturningTo(pathAndQuery: string): string {
  const next = safeReturnPath(pathAndQuery);
  return next === null || next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}
