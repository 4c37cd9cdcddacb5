// The first load of a page, before the app's code runs.
import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';

// The real server: its pages and its content security policy.
const e2e = browserTests('app');

describe('a cold start', () => {
  it('opens the origin\'s localStorage from a small script while the app\'s code downloads, not in the app\'s first task', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) refused.push(m.text());
    });
    await page.addInitScript(() => {
      const w = window as unknown as { firstStorageUse?: string };
      const get = Storage.prototype.getItem;
      Storage.prototype.getItem = function (this: Storage, key: string) {
        // A classic script names itself in currentScript; the app's modules do not.
        w.firstStorageUse ??= document.currentScript?.getAttribute('src') ?? 'the app';
        return get.call(this, key);
      };
    });
    await page.goto(e2e.server.url + '/guides/vneid-level-1');
    await page.getByTestId('guide-title').waitFor();
    expect(await page.evaluate(() => (window as unknown as { firstStorageUse?: string }).firstStorageUse)).toBe('/storage-warmup.js');
    expect(refused).toEqual([]);
    await context.close();
  });

  for (const [route, heading] of [
    ['/', 'citizen-home'],
    ['/guides/vneid-level-1', 'guide-title'],
    ['/join', undefined],
  ] as const) {
    it(`requests the scripts of ${route}'s first screen in one round over HTTP/1.1's six connections per host`, async () => {
      const context = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN', serviceWorkers: 'block' });
      const page = await context.newPage();
      await page.goto(e2e.server.url + route);
      await (heading ? page.getByTestId(heading) : page.locator('main h1').first()).waitFor();
      const beforePaint = await page.evaluate(async () => {
        const fcp = await new Promise<number>((resolve) =>
          new PerformanceObserver((list, observer) => {
            const entry = list.getEntriesByName('first-contentful-paint')[0];
            if (!entry) return;
            observer.disconnect();
            resolve(entry.startTime);
          }).observe({ type: 'paint', buffered: true }),
        );
        return performance
          .getEntriesByType('resource')
          .filter((r) => r.startTime < fcp && new URL(r.name).pathname.endsWith('.js'))
          .map((r) => new URL(r.name).pathname);
      });
      // Chromium opens at most six connections to a host over HTTP/1.1. The page has arrived by the
      // time its scripts are asked for, so six go out at once; a seventh waits a round trip.
      expect(beforePaint.length, beforePaint.join(' ')).toBeLessThanOrEqual(6);
      expect(beforePaint).toContain('/storage-warmup.js');
      await context.close();
    });
  }
});
