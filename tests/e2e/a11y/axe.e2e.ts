// axe-core at WCAG 2.2 AA on every main screen and dialog, in Vietnamese and English, with real
// content (a joined team device with a household, members, a visit, a session and a sync
// conflict; a demo database), and again with large text on.
import { unlockIfLocked } from '../../support/join';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTests } from '../support';
import { AxeReport, newDevice, open, teamWithContent, type Device, type Household } from './helpers';

const e2e = browserTests('app');
let head: Device;
let household: Household;
let visitId: string;
let url: string;

beforeAll(async () => {
  url = e2e.server.url;
  ({ head, household, visitId } = await teamWithContent(e2e.browser, e2e.server));
}, 300_000);

async function setLanguage(page: Page, lang: 'vi' | 'en'): Promise<void> {
  await page.evaluate((l) => localStorage.setItem('cds.language', l), lang);
}

async function setLargeText(page: Page, on: boolean): Promise<void> {
  await page.evaluate((v) => localStorage.setItem('cds.largeText', v), on ? '1' : '0');
}

/** Opens a confirm dialog, checks it, and closes it with Escape. */
async function checkDialog(page: Page, report: AxeReport, label: string, opener: string): Promise<void> {
  await page.locator(opener).click();
  await page.locator('dialog[open]').waitFor();
  // Named by its own heading (one page can hold several dialogs).
  const named = await page.evaluate(() => {
    const d = document.querySelector('dialog[open]')!;
    const id = d.getAttribute('aria-labelledby') ?? '';
    return document.querySelectorAll(`[id="${id}"]`).length === 1 && !!d.querySelector(`h2[id="${id}"]`);
  });
  expect(named, `${label}: aria-labelledby points at the dialog's own heading`).toBe(true);
  await report.check(label);
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });
}

/** Every main screen and dialog of a joined team device. */
async function walk(page: Page, report: AxeReport, tag: string): Promise<void> {
  const h = household.id;
  const [headMember, otherMember] = household.memberIds;
  const c = (name: string) => report.check(`${tag} ${name}`);

  // Loaded: the language and text size are read when the app starts; the rest is reached inside the app.
  await open(page, url, '/', '[data-testid="followups-dueToday"]', { load: true });
  await c('/ (Today)');

  await open(page, url, '/households', '[data-testid="household-list"][data-complete="true"] li');
  await c('/households');

  await open(page, url, '/households/new', '[data-testid="consent-step"]');
  await c('/households/new consent');
  await page.getByTestId('consent-record').click();
  await page.locator('[data-testid="consent-step"] .error').first().waitFor();
  await c('/households/new consent with errors');
  await page.getByTestId('consent-support').check();
  await page.getByTestId('consent-given-by').fill('Nguyễn Văn Bình');
  await page.getByTestId('consent-agreed').check();
  await page.getByTestId('consent-record').click();
  await page.getByTestId('household-form').waitFor();
  await page.getByTestId('add-member').click();
  await c('/households/new form');
  await page.getByTestId('save-household').click();
  await page.locator('[data-testid="household-form"] [aria-invalid="true"]').first().waitFor();
  await c('/households/new form with errors');
  await page.locator('[data-testid="household-form"] .sticky-actions button[type="button"]').click();
  await page.waitForURL(/\/households$/);

  await open(page, url, `/households/${h}`, '[data-testid="visit-history"] li');
  await c('household page');
  await checkDialog(page, report, `${tag} delete household dialog`, '[data-testid="delete-household"]');
  await checkDialog(page, report, `${tag} withdraw consent dialog`, 'section[aria-labelledby="data-h"] .actions button:not([data-testid])');

  await open(page, url, `/households/${h}/edit`, '[data-testid="hh-headName"]');
  await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('[data-testid="hh-headName"]')?.value ?? '') !== '');
  await c('/households/:id/edit');

  await open(page, url, `/households/${h}/members/new`, '[data-testid="save-member"]');
  await c('member add');
  await open(page, url, `/members/${otherMember}/edit`, '[data-testid="member-fullName"]');
  await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('[data-testid="member-fullName"]')?.value ?? '') !== '');
  await c('member edit');
  await checkDialog(page, report, `${tag} delete member dialog`, 'form .sticky-actions .btn-danger');

  await open(page, url, `/households/${h}/visits/new`, '[data-testid="visit-member-Trần Thị Hoa"]');
  await page.getByTestId('visit-member-Trần Thị Hoa').check();
  await page.locator('input[name="visit-topics"][value="vneid"]').check();
  await page.getByTestId('topic-help').waitFor();
  await c('visit form');
  await page.getByTestId('save-visit').click();
  await page.locator('[data-testid="visit-form"] .error').first().waitFor();
  await c('visit form with errors');
  await page.locator('[data-testid="visit-form"] .sticky-actions button[type="button"]').first().click();
  await page.getByTestId('household-title').waitFor();

  await open(page, url, `/visits/${visitId}`, '[data-testid="visit-card"]');
  await c('visit card');
  await open(page, url, `/households/${h}/export`, '[data-testid="export-document"]');
  await c('household export document');

  await open(page, url, `/visits/${visitId}/edit`, '[data-testid="visit-form"]');
  await page.waitForFunction(() => (document.querySelector<HTMLTextAreaElement>('[data-testid="visit-notes"]')?.value ?? '') !== '');
  await c('visit edit');
  await checkDialog(page, report, `${tag} delete visit dialog`, '[data-testid="visit-form"] .sticky-actions .btn-danger');

  await open(page, url, '/sessions', '[data-testid="session-list"] li');
  await c('/sessions');
  await open(page, url, '/sessions/new', '[data-testid="session-form"] input[name="session-topics"]');
  await c('/sessions/new');

  await open(page, url, '/settings', '[data-testid="lang-vi"]');
  await c('/settings');
  await open(page, url, '/pin', '[data-testid="pin-current"]');
  await c('/pin (change PIN)');
  await open(page, url, '/settings', '[data-testid="lock-now"]');
  await page.getByTestId('lock-now').click();
  await page.getByTestId('lock-form').waitFor();
  await c('/lock');
  await unlockIfLocked(page);

  await open(page, url, '/guides', '[data-testid="guide-list"] li');
  await c('/guides');
  await open(page, url, '/guides/vneid-level-1', '[data-testid="step-card"]');
  await page.getByTestId('show-qr').click();
  await page.locator('[data-testid="guide-qr"] svg.qr').waitFor();
  await c('/guides/vneid-level-1 with QR');

  await open(page, url, `/members/${headMember}/checklist`, '[data-testid="checklist-title"]');
  await page.locator('details.problems').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await c('/members/:id/checklist');

  await open(page, url, '/join', '[data-testid="join-form"]');
  await c('/join');
  // In-app navigation: the team page loads its list when the device's session is known.
  await open(page, url, '/', '[data-testid="sync-now"]');
  await page.locator('a[href="/team"]').first().click();
  await page.locator('[data-testid="team-users"] li').first().waitFor();
  await page.getByTestId('create-invite').click();
  await page.getByTestId('invite-result').locator('svg.qr').waitFor();
  await c('/team with an invite');
  await page.getByTestId('audit-link').click();
  await page.locator('[data-testid="audit-entries"] li').first().waitFor();
  await c('/team/audit');
  await open(page, url, '/attention', '[data-testid="attention-conflict"]');
  await c('/attention with a conflict');

  await open(page, url, '/no-such-page');
  await c('404');
}

describe('axe-core, WCAG 2.2 AA: zero violations', () => {
  for (const lang of ['vi', 'en'] as const) {
    it(`every main screen and dialog in ${lang === 'vi' ? 'Vietnamese' : 'English'}`, async () => {
      const { page } = head;
      await setLanguage(page, lang);
      const report = new AxeReport(page);
      await walk(page, report, lang);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      report.assertClean();
      // A walk through some thirty screens: on a busy 2-core machine the first, cold one is slow.
    }, 180_000);
  }

  it('every main screen and dialog with large text on', async () => {
    const { page } = head;
    await setLanguage(page, 'vi');
    await setLargeText(page, true);
    const report = new AxeReport(page);
    try {
      await walk(page, report, 'vi large-text');
      expect(await page.evaluate(() => document.documentElement.classList.contains('large-text'))).toBe(true);
    } finally {
      await setLargeText(page, false);
    }
    report.assertClean();
  });

  it('high contrast: "more contrast" keeps zero violations; forced colours keep the marks that colour alone gave', async () => {
    const { page } = head;
    await setLanguage(page, 'vi');
    const report = new AxeReport(page);
    try {
      await page.emulateMedia({ contrast: 'more' });
      // Loaded: the large text the previous test had on goes only at the app's next start.
      await open(page, url, '/', '[data-testid="followups-dueToday"]', { load: true });
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--border').trim())).toBe('#4a5550');
      await report.check('prefers-contrast: more /');
      await open(page, url, `/households/${household.id}`, '[data-testid="visit-history"] li');
      await report.check('prefers-contrast: more household page');
      await open(page, url, `/households/${household.id}/visits/new`, '[data-testid="visit-form"]');
      await report.check('prefers-contrast: more visit form');

      // Windows high contrast: box-shadows and backgrounds go; the current page stays marked and
      // focus stays outlined.
      await page.emulateMedia({ contrast: null, forcedColors: 'active' });
      await open(page, url, '/households', '[data-testid="household-list"] li');
      const mark = await page.locator('.app-nav .nav-item.active').evaluate((el) => {
        const s = getComputedStyle(el);
        return { border: s.borderTopStyle !== 'none' && parseFloat(s.borderTopWidth) >= 2, current: el.getAttribute('aria-current') };
      });
      expect(mark).toEqual({ border: true, current: 'page' });
      await page.getByTestId('household-search').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    } finally {
      await page.emulateMedia({ contrast: null, forcedColors: null });
    }
    report.assertClean();
  });

  it('a device without a team, with the demo database, in both languages', async () => {
    const { context, page } = await newDevice(e2e.browser);
    const report = new AxeReport(page);
    await open(page, url, '/settings', '[data-testid="load-demo"]');
    await page.getByTestId('load-demo').click();
    await page.getByTestId('demo-banner').waitFor();
    await page.waitForURL(url + '/');
    for (const lang of ['vi', 'en'] as const) {
      await setLanguage(page, lang);
      await open(page, url, '/', '[data-testid="demo-banner"]', { load: true });
      await page.locator('#recent-h ~ ul li').first().waitFor();
      await report.check(`${lang} demo /`);
      await open(page, url, '/households', '[data-testid="household-list"][data-complete="true"] li');
      await report.check(`${lang} demo /households`);
      await open(page, url, '/sessions', '[data-testid="session-list"] li');
      await report.check(`${lang} demo /sessions`);
      await open(page, url, '/settings', '[data-testid="large-text"]');
      await report.check(`${lang} demo /settings (no team)`);
      await open(page, url, '/join', '[data-testid="join-form"]');
      await report.check(`${lang} demo /join (no team)`);
      await open(page, url, '/team');
      await report.check(`${lang} /team (no team)`);
    }
    await context.close();
    report.assertClean();
  });
});
