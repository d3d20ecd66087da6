/**
 * The console's only script, served as /assets/console.js (a static file of the Worker, so the CSP
 * needs no inline script and no CDN). It only enhances pages that work without it:
 * - `[data-copy]` buttons (rendered `hidden`, shown here) copy their `data-copy` text, or the text
 *   of the element named by `data-copy-target`, to the clipboard.
 * - `[data-live-feed="/feed.json?…"]` polls the console's feed route; when something changed, each
 *   `[data-live-region][id]` of the page is replaced by the same element of a fresh copy of the page.
 */
export const CONSOLE_JS = String.raw`(() => {
  'use strict';
  for (const button of document.querySelectorAll('[data-copy]')) button.hidden = false;

  document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
    if (!button) return;
    const targetId = button.getAttribute('data-copy-target');
    const target = targetId ? document.getElementById(targetId) : null;
    const text = target ? target.textContent.trim() : button.getAttribute('data-copy');
    if (!text) return;
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy';
    }
    setTimeout(() => { button.textContent = label; }, 1500);
  });

  const live = document.querySelector('[data-live-feed]');
  if (!live) return;
  const feedUrl = live.getAttribute('data-live-feed');
  const interval = Number(live.getAttribute('data-live-interval')) || 5000;
  let cursor = null;

  async function refreshRegions() {
    const response = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const region of document.querySelectorAll('[data-live-region][id]')) {
      const replacement = fresh.getElementById(region.id);
      if (replacement) region.replaceWith(document.importNode(replacement, true));
    }
    for (const button of document.querySelectorAll('[data-copy][hidden]')) button.hidden = false;
  }

  async function poll() {
    if (document.hidden) return schedule();
    const url = new URL(feedUrl, location.href);
    if (cursor !== null) url.searchParams.set('after', cursor);
    let response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    } catch {
      return schedule();
    }
    // Signed out, or no feed to follow: stop quietly; the page still works by reloading.
    if (response.status === 401 || response.status === 404) return;
    if (response.ok) {
      const body = await response.json();
      if (cursor !== null && body.changes > 0) await refreshRegions();
      if (typeof body.next_cursor === 'string') cursor = body.next_cursor;
    }
    schedule();
  }

  function schedule() { setTimeout(poll, interval); }
  poll();
})();
`;
