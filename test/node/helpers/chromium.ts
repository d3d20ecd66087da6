/**
 * The console in Debian's Chromium (playwright-core; `npx playwright install` cannot download here),
 * as the browser tests share it: launching it so `*.localhost` reaches the dev server, axe-core run
 * under the page's own Content-Security-Policy, the phone-width check, and waiting for what arrives
 * asynchronously. Each test file keeps its own dev server, port and story.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** CI installs Chromium (.ci/run) and sets HASP_REQUIRE_CHROMIUM: there a missing browser fails the run instead of skipping it. */
export const SKIP_WITHOUT_CHROMIUM = !HAVE_CHROMIUM && process.env.HASP_REQUIRE_CHROMIUM !== '1';

/** What `npm run dev` seeds (scripts/dev.mjs): the webhook, its workflow, and the secret the tests choose for it. */
export const SEEDED = {
  id: 'wh_ehrchartupdated000000000',
  slug: 'ehr-chart-updated',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  workflow: 'Chart update follow-up',
  sample: { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] },
} as const;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--host-resolver-rules=MAP *.localhost 127.0.0.1'],
  });
}

/** axe-core's serious and critical violations on the page, each with where it is. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern, so the page is
  // checked under its real policy (an injected <script> tag would be blocked by it).
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run: () => Promise<AxeResults> } }).axe.run());
  // An axe that checked nothing would pass every page.
  expect(results.passes.length, 'axe ran its checks').toBeGreaterThan(10);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page), `axe on ${page.url()}`).toEqual([]);
}

/**
 * What pushes the page past the viewport's width, innermost first, for the failure message; empty
 * exactly when nothing scrolls sideways. What a scrolling box clips (a table at a phone's width) cannot
 * widen the page unless it escapes that box (positioned absolutely outside it).
 */
export async function widerThanTheViewport(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    const clipped = (el: Element): boolean => {
      if (getComputedStyle(el).position === 'absolute') return false;
      for (let up = el.parentElement; up !== null && up !== document.body; up = up.parentElement) if (getComputedStyle(up).overflowX !== 'visible') return true;
      return false;
    };
    const over = Array.from(document.querySelectorAll('body *')).filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el));
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${Array.from(el.classList).join('.')}`;
    const culprits = over
      .filter((el) => !over.some((o) => o !== el && el.contains(o)))
      .map((el) => `${name(el)} right=${Math.round(el.getBoundingClientRect().right)}: ${(el.textContent ?? '').trim().slice(0, 60)}`);
    // The page scrolls all the same: never an empty answer then.
    return culprits.length > 0 ? culprits : [`the page is ${document.documentElement.scrollWidth} px wide, no single element found`];
  });
}

/**
 * The page as it is now, at a desktop's width and at a phone's: axe finds nothing serious, and at
 * 390 px nothing scrolls sideways. The page is not reloaded: it may be the answer to a POST.
 */
export async function expectAccessibleAtBothWidths(page: Page): Promise<void> {
  expect(await seriousViolations(page), `axe on ${page.url()} at ${DESKTOP.width} px`).toEqual([]);
  await page.setViewportSize(PHONE);
  try {
    expect(await widerThanTheViewport(page), `sideways scroll on ${page.url()} at ${PHONE.width} px`).toEqual([]);
    expect(await seriousViolations(page), `axe on ${page.url()} at ${PHONE.width} px`).toEqual([]);
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}

/** Waits for `locator` to show: pages arrive after clicks and redirects. */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout: 15_000 });
  return locator;
}

/** Reloads `page` until `check` passes: events, runs and kept requests arrive asynchronously. */
export async function reloadUntil(page: Page, check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await page.reload();
  }
}

/** Collects the Content-Security-Policy errors a page logs: the console must need no exception to its own policy. */
export function collectCspViolations(page: Page, into: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) into.push(msg.text());
  });
}

/** Signs in through the console's own form, as a person pastes the token, and waits for the list. */
export async function signIn(page: Page, consoleOrigin: string, token: string): Promise<void> {
  await page.goto(`${consoleOrigin}/sign-in`);
  await page.getByLabel('Project API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Webhooks' }));
}
