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
});
