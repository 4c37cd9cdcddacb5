// Keyboard only (Tab, Shift+Tab, Enter, Space and typing; no clicks): register a household, log a
// visit, open a confirm dialog and close it with Escape, open a guide and go to its next step.
// Every focused control shows a visible focus indicator; after each route change focus is on the
// page's heading; a dialog takes focus and gives it back to the button that opened it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTests } from '../support';
import { newDevice } from './helpers';

const e2e = browserTests();

interface Focused {
  tag: string;
  desc: string;
  visible: boolean;
}

/** What has focus, and whether it shows it (an outline or a box-shadow). */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', desc: 'body', visible: false };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow !== 'none';
    // The last stop inside a date field is Chromium's own calendar button (the field itself no
    // longer matches :focus then); it draws its own focus ring, which pages cannot restyle.
    const calendarButton = el instanceof HTMLInputElement && el.type === 'date' && !el.matches(':focus');
    const desc = `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''} "${(el.textContent || el.getAttribute('aria-label') || (el as HTMLInputElement).name || '').trim().slice(0, 40)}"`;
    return { tag: el.tagName.toLowerCase(), desc, visible: outline || shadow || calendarButton };
  });
}

class Keyboard {
  /** Controls that got focus without a visible indicator. */
  invisible = new Set<string>();
  constructor(private page: Page) {}

  /** Presses Tab (or Shift+Tab) until the focused element matches `selector`. */
  async tabTo(selector: string, opts: { back?: boolean; max?: number } = {}): Promise<void> {
    for (let i = 0; i < (opts.max ?? 80); i++) {
      await this.page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
      const f = await focused(this.page);
      if (f.tag !== 'body' && !f.visible) this.invisible.add(f.desc);
      if (await this.page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    }
    throw new Error(`Tab never reached ${selector}; focus is on ${(await focused(this.page)).desc}`);
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }

  /** After a route change: focus lands on the new page's `main h1`. */
  async expectHeadingFocused(path: RegExp): Promise<void> {
    await this.page.waitForURL(path);
    await this.page
      .waitForFunction(() => document.activeElement !== null && document.activeElement === document.querySelector('main h1'), undefined, { timeout: 5000 })
      .catch(async () => {
        throw new Error(`after going to ${this.page.url()} focus is on ${(await focused(this.page)).desc}, not on main h1`);
      });
  }
}

describe('keyboard only', () => {
  it('registers a household, logs a visit, uses a confirm dialog and steps through a guide', async () => {
    const { context, page } = await newDevice(e2e.browser);
    const kb = new Keyboard(page);
    await page.goto(e2e.server.url + '/');
    await page.locator('main h1').waitFor();
    // A new phone opens on the citizen's guides; the team side is one key press away, and stays.
    await kb.tabTo('[data-testid="team-side"]');
    await kb.press('Enter');
    await page.getByTestId('today-waiting').waitFor();
    await page.reload();
    await page.getByTestId('today-waiting').waitFor();

    // The skip link comes first and leads into the page.
    await kb.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    expect((await focused(page)).visible).toBe(true);
    await kb.press('Enter');
    // Focus lands on <main> or its heading; the next Tab goes on inside the page.
    await page.waitForFunction(() => !!document.activeElement?.closest('main'));

    // Today → "Add a household".
    await kb.tabTo('main a[href="/households/new"]');
    await kb.press('Enter');
    await kb.expectHeadingFocused(/\/households\/new$/);

    // Consent, chosen and recorded with Space, typing and Enter.
    await kb.tabTo('[data-testid="consent-support"]');
    await kb.press('Space');
    await kb.tabTo('[data-testid="consent-given-by"]');
    await kb.type('Nguyễn Văn Bình');
    await kb.tabTo('[data-testid="consent-recorder"]');
    await kb.type('Lê Thị Mai');
    await kb.tabTo('[data-testid="consent-agreed"]');
    await kb.press('Space');
    await kb.tabTo('[data-testid="consent-record"]');
    await kb.press('Enter');

    // The form opens with the first field focused.
    await page.getByTestId('household-form').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'hh-headName');
    await kb.type('Nguyễn Văn Bình');
    await kb.tabTo('[data-testid="hh-neighborhood"]');
    await kb.type('Thôn Đông');
    await kb.tabTo('[data-testid="hh-lane"]');
    await kb.type('Xóm Giữa');
    await kb.tabTo('[data-testid="save-household"]');
    await kb.press('Enter');
    await kb.expectHeadingFocused(/\/households\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('household-title').textContent()).toBe('Nguyễn Văn Bình');

    // Log a visit: a topic, an outcome, save.
    await kb.tabTo('[data-testid="log-visit"]');
    await kb.press('Enter');
    await kb.expectHeadingFocused(/\/visits\/new$/);
    await kb.tabTo('input[name="visit-topics"][value="vneid"]');
    await kb.press('Space');
    await kb.tabTo('input[name="visit-outcome"]');
    await kb.press('Space');
    await kb.tabTo('[data-testid="visit-notes"]');
    await kb.type('Đã hướng dẫn cài VNeID');
    await kb.tabTo('[data-testid="save-visit"]');
    await kb.press('Enter');
    await kb.expectHeadingFocused(/\/households\/[0-9a-f-]{36}$/);
    await page.getByTestId('visit-history').locator('li').first().waitFor();
    expect(await page.getByTestId('visit-history').textContent()).toContain('Đã hướng dẫn cài VNeID');

    // A confirm dialog takes focus; Escape closes it and focus goes back to its button.
    await kb.tabTo('[data-testid="delete-household"]');
    await kb.press('Enter');
    await page.locator('dialog[open]').waitFor();
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    expect((await focused(page)).visible).toBe(true);
    // Focus stays inside the modal dialog.
    await kb.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    await kb.press('Shift+Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    await kb.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'delete-household');
    expect(await page.getByTestId('household-title').isVisible()).toBe(true);

    // Guides from the bottom navigation; search; open; next step.
    await kb.tabTo('nav a[href="/guides"]');
    await kb.press('Enter');
    await kb.expectHeadingFocused(/\/guides$/);
    await kb.tabTo('[data-testid="guide-search"]');
    await kb.type('vneid muc 1');
    await page.waitForSelector('[data-testid="guide-list"][data-query="vneid muc 1"]');
    await kb.tabTo('[data-testid="guide-list"] a');
    await kb.press('Enter');
    await kb.expectHeadingFocused(/\/guides\/vneid-level-1$/);
    expect(await page.getByTestId('step-card').textContent()).toContain('Bước 1 /');
    const first = await page.getByTestId('step-text').textContent();
    await kb.tabTo('[data-testid="step-done"]');
    await kb.press('Space');
    expect(await page.getByTestId('step-done').isChecked()).toBe(true);
    await kb.tabTo('[data-testid="step-next"]');
    await kb.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'step-text');
    expect(await page.getByTestId('step-card').textContent()).toContain('Bước 2 /');
    expect(await page.getByTestId('step-text').textContent()).not.toBe(first);
    // Shift+Tab goes back to the previous step's controls.
    await kb.tabTo('[data-testid="step-back"]', { back: true });
    await kb.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'step-text');
    expect(await page.getByTestId('step-text').textContent()).toBe(first);

    expect([...kb.invisible], 'controls focused without a visible focus indicator').toEqual([]);
    await context.close();
  });
});
