/** The console's tab icon: public (the sign-in page has it too), an SVG, named by every page. */
import { describe, expect, it } from 'vitest';
import { ConsoleBrowser } from '../helpers/console';

describe('the favicon', () => {
  it('Should be served without a session at both addresses, and linked from the pages', async () => {
    const browser = new ConsoleBrowser();
    for (const path of ['/favicon.ico', '/assets/favicon.svg']) {
      const icon = await browser.get(path);
      expect(icon.status, path).toBe(200);
      expect(icon.headers.get('content-type')).toBe('image/svg+xml');
      expect(icon.html).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
    const signIn = await browser.get('/sign-in');
    expect(signIn.html).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"/>');
  });
});
