// The page before the app's code runs, and the first screen the app draws after it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTests } from '../support';

const e2e = browserTests();

/** Every size and weight the text of `root` is drawn in ("16px 400"), noscript and hidden parts aside. */
function typeKeys(page: Page, root: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const keys = new Set<string>();
    const walker = document.createTreeWalker(document.querySelector(selector)!, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (!n.textContent?.trim() || el.closest('noscript') || !el.checkVisibility()) continue;
      const style = getComputedStyle(el);
      keys.add(`${style.fontSize} ${style.fontWeight}`);
    }
    return [...keys].sort();
  }, root);
}

describe('the first frame', () => {
  for (const [route, largeText] of [
    ['/', false],
    ['/guides/vneid-level-1', false],
    ['/join', false],
    // The larger text (125 %) is chosen in settings and kept in localStorage.
    ['/', true],
    ['/guides/vneid-level-1', true],
  ] as const) {
    it(`of ${route}${largeText ? ' in large text' : ''} uses only font sizes and weights the page laid out, hidden, before the app's code ran`, async () => {
      const context = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN', serviceWorkers: 'block' });
      if (largeText) await context.addInitScript(() => localStorage.setItem('cds.largeText', '1'));
      const page = await context.newPage();

      // The page as the browser lays it out while the app's code is still on its way.
      await page.route(/\/assets\/.+\.js$/, (r) => r.abort());
      await page.goto(e2e.server.url + route);
      const warmup = page.locator('#app > p[aria-hidden="true"]');
      const box = await warmup.boundingBox();
      expect(box?.width).toBeGreaterThan(0);
      expect(await warmup.isVisible()).toBe(false);
      expect(await page.locator('#app').ariaSnapshot()).toBe('');
      const prepared = await page.evaluate(() => {
        const keys = new Set<string>();
        for (const el of document.querySelectorAll('#app > p[aria-hidden="true"], #app > p[aria-hidden="true"] *')) {
          const style = getComputedStyle(el);
          keys.add(`${style.fontSize} ${style.fontWeight}`);
        }
        return [...keys];
      });

      // The app's first screen replaces it and needs nothing more.
      await page.unrouteAll();
      await page.goto(e2e.server.url + route);
      await page.locator('main h1').first().waitFor();
      expect(await warmup.count()).toBe(0);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe(largeText ? '20px' : '16px');
      const used = await typeKeys(page, 'body');
      expect(used.filter((k) => !prepared.includes(k))).toEqual([]);
      await context.close();
    });
  }
});
