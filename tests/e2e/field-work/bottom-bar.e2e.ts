import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { installedApp, browserTests } from '../support';

const e2e = browserTests();

/** Space (px) a label keeps from its neighbours and from the screen's edges. */
const CLEARANCE = 2;

interface LabelBox {
  text: string;
  left: number;
  right: number;
  lines: number;
  itemCenter: number;
}

/** The bottom bar's labels as laid out: their boxes, how many lines each takes, their item's centre. */
function labelBoxes(page: Page): Promise<{ labels: LabelBox[]; width: number; icons: number }> {
  return page.evaluate(() => {
    const labels = [...document.querySelectorAll<HTMLElement>('.app-nav .nav-label')].map((label) => {
      const r = label.getBoundingClientRect();
      const item = label.parentElement!.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(label).lineHeight) || parseFloat(getComputedStyle(label).fontSize) * 1.5;
      return { text: label.textContent ?? '', left: r.left, right: r.right, lines: Math.round(r.height / lineHeight), itemCenter: (item.left + item.right) / 2 };
    });
    return { labels, width: document.documentElement.clientWidth, icons: document.querySelectorAll('.app-nav svg').length };
  });
}

const settings = [
  { name: 'Vietnamese', language: 'vi', largeText: false, rootFont: '' },
  { name: 'English', language: 'en', largeText: false, rootFont: '' },
  { name: 'Vietnamese, large text in the app', language: 'vi', largeText: true, rootFont: '' },
  { name: 'Vietnamese, 200 % text in the browser', language: 'vi', largeText: false, rootFont: '200%' },
  { name: 'English, 200 % text in the browser', language: 'en', largeText: true, rootFont: '200%' },
];

describe('the bottom bar at 360 px', () => {
  for (const s of settings) {
    it(`${s.name}: every label on one line, centred, clear of its neighbours and of the screen's edges`, async () => {
      const { context, page } = await installedApp(e2e);
      await page.evaluate(({ language, largeText }) => {
        localStorage.setItem('cds.language', language);
        localStorage.setItem('cds.largeText', largeText ? '1' : '0');
      }, s);
      await page.goto(e2e.server.url + '/guides');
      await page.locator('.app-nav').waitFor();
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(s.language);
      if (s.rootFont) await page.evaluate((size) => (document.documentElement.style.fontSize = size), s.rootFont);
      const { labels, width, icons } = await labelBoxes(page);
      expect(labels).toHaveLength(5);
      // Drawn icons (SVG), not characters a phone's font may lack.
      expect(icons).toBe(5);
      const problems: string[] = [];
      labels.forEach((l, i) => {
        if (l.lines !== 1) problems.push(`"${l.text}" takes ${l.lines} lines`);
        if (Math.abs((l.left + l.right) / 2 - l.itemCenter) > 1) problems.push(`"${l.text}" is not centred`);
        if (i === 0 && l.left < CLEARANCE) problems.push(`"${l.text}" touches the left edge (${l.left})`);
        if (i === labels.length - 1 && l.right > width - CLEARANCE) problems.push(`"${l.text}" touches the right edge (${l.right} of ${width})`);
        const next = labels[i + 1];
        if (next && next.left - l.right < CLEARANCE) problems.push(`"${l.text}" and "${next.text}" touch (${l.right} → ${next.left})`);
      });
      expect(problems.join('\n')).toBe('');
      await context.close();
    });
  }
});

describe('Today', () => {
  it('"Tìm hộ" opens the household list with the cursor in the search box', async () => {
    const { context, page } = await installedApp(e2e);
    // A phone that has not joined opens on the citizen's guides; Today is one tap away.
    await page.getByTestId('team-side').click();
    await page.getByTestId('find-household').click();
    await page.waitForURL(/\/households\?focus=search$/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('household-search');
    await context.close();
  });
});
