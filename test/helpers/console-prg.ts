/**
 * Post/redirect/get as a browser follows it: every console form that changes something answers 303,
 * and the browser then loads the page it names. `ConsolePage.location` keeps only the path; these
 * keep the query too (`?refused=…`), which a refused form's page needs.
 */
import { expect } from 'vitest';
import type { ConsoleBrowser, ConsolePage } from './console';

/** The path and query a redirect names; throws unless `answer` is a 303. */
export function redirectTarget(answer: ConsolePage): string {
  expect(answer.status, answer.html.slice(0, 500)).toBe(303);
  const location = answer.headers.get('location');
  if (location === null) throw new Error('a 303 without a Location');
  const url = new URL(location, 'https://console.invalid');
  return url.pathname + url.search;
}

/** The page a form's 303 leads to, loaded as the browser would; `path` is where it landed. */
export async function follow(browser: ConsoleBrowser, answer: ConsolePage): Promise<ConsolePage & { path: string }> {
  const path = redirectTarget(answer);
  return { ...(await browser.get(path)), path };
}

/** Posts a form and follows its 303: what a person sees after pressing the button. */
export async function submit(browser: ConsoleBrowser, path: string, fields: Record<string, string> = {}): Promise<ConsolePage & { path: string }> {
  return follow(browser, await browser.post(path, fields));
}
