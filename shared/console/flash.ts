/**
 * One-time messages across a post/redirect/get: the POST handler sets one, the next page shows it
 * and clears it. A flash never carries a secret or payload data (it is a cookie, sent back to us):
 * what a page needs beyond a sentence (a refusal with what was typed, a secret to show once) is a
 * handoff, sealed in D1 for the session (./handoffs.ts).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ConsoleEnv } from './context';

export interface Flash {
  kind: 'notice' | 'error';
  text: string;
}

function cookieName(local: boolean): string {
  return local ? 'hasp_console_flash' : '__Host-hasp_console_flash';
}

export function setFlash(c: Context<ConsoleEnv>, flash: Flash): void {
  setCookie(c, cookieName(c.var.local), encodeURIComponent(JSON.stringify(flash)), {
    httpOnly: true,
    sameSite: 'Strict',
    secure: !c.var.local,
    path: '/',
    maxAge: 60,
  });
}

/** The pending flash, if any, cleared as it is read. */
export function takeFlash(c: Context<ConsoleEnv>): Flash | null {
  const name = cookieName(c.var.local);
  const raw = getCookie(c, name);
  if (raw === undefined) return null;
  deleteCookie(c, name, { path: '/', secure: !c.var.local, httpOnly: true, sameSite: 'Strict' });
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(raw));
    if (typeof parsed !== 'object' || parsed === null || !('text' in parsed) || typeof parsed.text !== 'string') return null;
    const kind = 'kind' in parsed && parsed.kind === 'error' ? 'error' : 'notice';
    return { kind, text: parsed.text.slice(0, 500) };
  } catch {
    return null;
  }
}
