/**
 * The console as a browser uses it: real console URLs through the deployed Worker, cookies kept
 * between requests, forms posted url-encoded with the `_csrf` the last page carried. Redirects are
 * not followed, so tests see each 303 and its cookies.
 */
import { SELF } from 'cloudflare:test';

/** The production console host (https: cookies must be Secure and `__Host-` named). */
export const CONSOLE = 'https://console.usehasp.run';
/** The local console host of `npm run dev` (plain http). */
export const LOCAL_CONSOLE = 'http://console.localhost';

export interface ConsolePage {
  status: number;
  headers: Headers;
  html: string;
  /** The `Location` of a redirect, as a path. */
  location: string | null;
}

/** The value of the first `_csrf` field in a page, or null. */
export function csrfIn(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/** A browser's view of one console origin: its cookie jar and the CSRF token of the last page. */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;

  /** `headers` go with every request: e.g. the `CF-Connecting-IP` the platform would set. */
  constructor(
    readonly origin: string = CONSOLE,
    readonly headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<ConsolePage> {
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await SELF.fetch(`${this.origin}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
    this.keepCookies(response.headers);
    const html = await response.text();
    const found = csrfIn(html);
    if (found !== null) this.csrf = found;
    const location = response.headers.get('location');
    return { status: response.status, headers: response.headers, html, location: location === null ? null : new URL(location, this.origin).pathname };
  }

  get(path: string): Promise<ConsolePage> {
    return this.request(path);
  }

  /** Posts a form as the console's own page would: with the last page's `_csrf` unless `fields` gives one. */
  post(path: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<ConsolePage> {
    const form = this.csrf !== null && !('_csrf' in fields) ? { _csrf: this.csrf, ...fields } : fields;
    return this.request(path, { method: 'POST', form, headers });
  }

  /** Signs in with `token` through the sign-in form; returns the POST's answer. */
  async signIn(token: string): Promise<ConsolePage> {
    await this.get('/sign-in');
    return this.post('/sign-in', { token });
  }
}

/** A browser signed in to `origin` with `token`; throws when the sign-in is refused. */
export async function signedIn(token: string, origin: string = CONSOLE): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(origin);
  const answer = await browser.signIn(token);
  if (answer.status !== 303 || answer.location !== '/') throw new Error(`sign-in refused: ${answer.status}`);
  await browser.get('/');
  return browser;
}

/** The text of a page without its tags, whitespace collapsed: what a reader sees. */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The fields of the form posting to `action`, as the browser would submit them untouched: inputs'
 * values, textareas' text and each select's selected option (else its first).
 */
export function formFields(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="${action.replace(/[/.]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1];
  if (form === undefined) throw new Error(`no form posting to ${action}`);
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = m[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    if (name !== undefined) fields[name] = unescapeHtml(/\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1] ?? '')?.[1];
    if (name !== undefined) fields[name] = unescapeHtml(m[2] ?? '');
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1] ?? '')?.[1];
    const options = [...(m[2] ?? '').matchAll(/<option\b([^>]*)>/g)].map((o) => o[1] ?? '');
    const chosen = options.find((o) => /\bselected\b/.test(o)) ?? options[0];
    if (name !== undefined && chosen !== undefined) fields[name] = unescapeHtml(/\bvalue="([^"]*)"/.exec(chosen)?.[1] ?? '');
  }
  return fields;
}
