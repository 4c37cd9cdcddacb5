import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { fillHouseholdWithTwoMembers, recordConsent } from '../../support/consent';
import { browserTests, localDate } from '../support';
import { navigateInApp } from '../../support/navigate';
import { summary } from '../../../server/services/reports';
import { periodContaining } from '../../../src/domain/periods';
import { joinTeam } from '../../support/join';

const e2e = browserTests('app');

const value = (page: Page, key: string) => page.getByTestId(`indicator-${key}`).getByTestId('value').textContent();

async function openReports(page: Page): Promise<void> {
  await navigateInApp(page, e2e.server.url, '/');
  await page.getByTestId('open-reports').click();
  await page.getByTestId('indicator-table').waitFor();
}

describe('the head’s dashboard', () => {
  it('counts a visit and a session recorded offline, says they are not counted by the commune until synced, and exports', async () => {
    const team = await e2e.server.newTeam();
    const context = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN', acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('pageerror:', err.message));
    await joinTeam(page, e2e.server.url, team.headCode, 'Trưởng thôn Hùng');
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      if (reg.active?.state !== 'activated') await new Promise((r) => reg.active?.addEventListener('statechange', r));
    });

    await context.setOffline(true);
    await navigateInApp(page, e2e.server.url, '/households/new');
    await recordConsent(page, { purposes: ['support', 'reporting'] });
    await fillHouseholdWithTwoMembers(page);
    await page.getByTestId('household-title').waitFor();

    await page.getByTestId('log-visit').click();
    await page.locator('input[name="visit-topics"][value="onlineService"]').check();
    await page.getByTestId('result-onlineDossiers').fill('2');
    await page.getByTestId('outcome-done').check();
    await page.getByTestId('save-visit').click();
    await page.getByTestId('visit-history').locator('li').first().waitFor();

    await navigateInApp(page, e2e.server.url, '/sessions/new');
    await page.getByTestId('session-place').fill('Nhà văn hóa thôn Đông');
    await page.getByLabel('Nhận biết lừa đảo', { exact: true }).check();
    await page.getByTestId('session-attendees').fill('20');
    await page.getByTestId('result-scamTraining').fill('15');
    await page.getByTestId('save-session').click();
    await page.getByTestId('session-list').locator('li').first().waitFor();

    // Offline: the dashboard counts from the phone and says the commune has not got it yet.
    await openReports(page);
    expect(await value(page, 'householdsRegistered')).toBe('1');
    expect(await value(page, 'visits')).toBe('1');
    expect(await value(page, 'adults')).toBe('2');
    expect(await value(page, 'sessions')).toBe('1');
    expect(await value(page, 'results.onlineDossiers')).toBe('2');
    expect(await value(page, 'results.scamTraining')).toBe('15');
    // 1 household + 2 members + 1 visit + 1 session.
    expect(await page.getByTestId('not-counted').textContent()).toContain('5 thay đổi');

    // Online and synced: nothing waits, and the server counts the same.
    await context.setOffline(false);
    await navigateInApp(page, e2e.server.url, '/');
    await page.getByTestId('sync-now').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="sync-text"]')?.textContent ?? '').startsWith('Đã đồng bộ') && !document.querySelector('[data-testid="waiting-count"]'));
    await openReports(page);
    await page.getByTestId('not-counted').waitFor({ state: 'detached' });
    const month = periodContaining('month', localDate());
    const fromServer = await summary(e2e.server.db, { role: 'head', teamId: team.teamId, communeId: team.communeId }, month);
    for (const key of ['householdsRegistered', 'visits', 'adults', 'sessions', 'activeUsers', 'results.onlineDossiers', 'results.scamTraining'] as const) {
      expect(await value(page, key), key).toBe(String(fromServer.teams[0]!.indicators[key]));
    }

    // The previous month has none of it.
    await page.getByTestId('period-prev').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="indicator-visits"] [data-testid="value"]')?.textContent === '0');

    // Export: no share sheet for files on this browser, so the file is downloaded.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Trưởng thôn Hùng');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);

    // Printed on A4 portrait (210 mm less 2 × 12 mm margins ≈ 703 CSS px): nothing wider than
    // the page, no navigation or buttons, the date and who printed it.
    await page.setViewportSize({ width: 703, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(703);
    expect(await page.getByTestId('export-csv').isVisible()).toBe(false);
    expect(await page.getByTestId('printed-by').textContent()).toContain('Trưởng thôn Hùng');
    expect(await page.getByTestId('printed-by').isVisible()).toBe(true);
    await context.close();
  });
});
