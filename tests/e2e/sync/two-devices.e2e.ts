import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';
import { navigateInApp } from '../../support/navigate';
import type { BrowserContext, Page } from 'playwright-core';
import { recordConsent } from '../../support/consent';
import { joinTeam } from '../../support/join';

const e2e = browserTests('app');

async function device(name: string, code: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${name}] pageerror:`, err.message));
  await joinTeam(page, e2e.server.url, code, name);
  // Offline work needs the service worker's precache: wait until it is in place.
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (reg.active?.state !== 'activated') await new Promise((r) => reg.active?.addEventListener('statechange', r));
  });
  return { context, page };
}

async function syncNow(page: Page): Promise<void> {
  await navigateInApp(page, e2e.server.url, '/');
  await page.getByTestId('sync-now').click();
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="sync-text"]')?.textContent ?? '';
    return text.startsWith('Đã đồng bộ') && !document.querySelector('[data-testid="waiting-count"]');
  });
}

async function openHousehold(page: Page, query: string): Promise<void> {
  await navigateInApp(page, e2e.server.url, '/households');
  await page.getByTestId('household-search').fill(query);
  await page.waitForSelector(`[data-testid="household-list"][data-query="${query}"][data-count="1"]`);
  await page.getByTestId('household-list').locator('a').first().click();
  await page.getByTestId('household-title').waitFor();
}

async function editHousehold(page: Page, fields: Record<string, string>): Promise<void> {
  await page.getByRole('link', { name: 'Sửa', exact: true }).click();
  for (const [testId, value] of Object.entries(fields)) await page.getByTestId(testId).fill(value);
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByTestId('household-title').waitFor();
}

describe('two devices', () => {
  it('edit the same household offline, reconnect and converge; the same-field edit waits in "Needs attention"', async () => {
    const team = await e2e.server.newTeam();
    const a = await device('Trưởng thôn Hùng', team.headCode);

    // A registers a household and syncs it.
    await navigateInApp(a.page, e2e.server.url, '/households/new');
    await recordConsent(a.page);
    await a.page.getByTestId('hh-headName').fill('Đặng Thị Thu');
    await a.page.getByTestId('hh-neighborhood').fill('Thôn Đông');
    await a.page.getByTestId('hh-houseNumber').fill('5');
    await a.page.getByTestId('hh-lane').fill('Xóm Giữa');
    await a.page.getByTestId('save-household').click();
    await a.page.getByTestId('household-title').waitFor();
    await syncNow(a.page);

    const b = await device('Đoàn viên Lan', await team.memberCode());
    await syncNow(b.page);
    await openHousehold(b.page, 'dang thi thu');

    // Both offline; A changes phone and notes, B changes phone and house number.
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await openHousehold(a.page, 'dang thi thu');
    await editHousehold(a.page, { 'hh-phone': '0911111111' });
    await a.page.getByRole('link', { name: 'Sửa', exact: true }).click();
    await a.page.locator('textarea').first().fill('Hẹn hướng dẫn kích hoạt mức 2');
    await a.page.getByRole('button', { name: 'Lưu' }).click();
    await a.page.getByTestId('household-title').waitFor();
    await editHousehold(b.page, { 'hh-phone': '0922222222', 'hh-houseNumber': '7' });

    // A reconnects first, then B.
    await a.context.setOffline(false);
    await syncNow(a.page);
    await b.context.setOffline(false);
    await navigateInApp(b.page, e2e.server.url, '/');
    await b.page.getByTestId('sync-now').click();
    await b.page.getByTestId('attention-link').first().waitFor();

    // B sees the conflict on the phone only; the house number went through.
    await b.page.getByTestId('attention-link').first().click();
    await b.page.getByTestId('attention-conflict').waitFor();
    const conflict = await b.page.getByTestId('attention-conflict').textContent();
    expect(conflict).toContain('0922222222');
    expect(conflict).toContain('0911111111');
    expect(await b.page.getByTestId('attention-conflict').locator('fieldset').count()).toBe(1);
    await b.page.getByTestId('keep-mine-phone').check();
    await b.page.getByTestId('settle-conflict').click();
    await b.page.getByTestId('attention-empty').waitFor();
    await syncNow(b.page);
    await syncNow(a.page);

    // Both converge: B's phone (chosen), A's notes, B's house number.
    for (const d of [a, b]) {
      await openHousehold(d.page, 'dang thi thu');
      const text = (await d.page.locator('main').textContent()) ?? '';
      // The household page writes the number in groups: 0922 222 222.
      expect(text).toContain('0922 222 222');
      expect(text).toContain('Hẹn hướng dẫn kích hoạt mức 2');
      expect(text).toContain('7, Xóm Giữa');
      expect(text).toContain('Đã đồng bộ');
    }
    await a.context.close();
    await b.context.close();
  });
});

describe('two devices, one address', () => {
  it('a conflict on the address parts offers only the parts; mine for one, theirs for the other; the address matches its parts on both', async () => {
    const team = await e2e.server.newTeam();
    const a = await device('Trưởng thôn Hùng', team.headCode);
    await navigateInApp(a.page, e2e.server.url, '/households/new');
    await recordConsent(a.page);
    await a.page.getByTestId('hh-headName').fill('Vũ Văn Khải');
    await a.page.getByTestId('hh-neighborhood').fill('Thôn Đông');
    await a.page.getByTestId('hh-houseNumber').fill('5');
    await a.page.getByTestId('hh-lane').fill('Xóm Giữa');
    await a.page.getByTestId('save-household').click();
    await a.page.getByTestId('household-title').waitFor();
    await syncNow(a.page);

    const b = await device('Đoàn viên Lan', await team.memberCode());
    await syncNow(b.page);
    await openHousehold(b.page, 'vu van khai');

    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await openHousehold(a.page, 'vu van khai');
    await editHousehold(a.page, { 'hh-houseNumber': '9', 'hh-lane': 'Xóm Đông' });
    await editHousehold(b.page, { 'hh-houseNumber': '7A', 'hh-lane': 'Xóm Đình' });

    await a.context.setOffline(false);
    await syncNow(a.page);
    await b.context.setOffline(false);
    await navigateInApp(b.page, e2e.server.url, '/');
    await b.page.getByTestId('sync-now').click();
    await b.page.getByTestId('attention-link').first().waitFor();
    await b.page.getByTestId('attention-link').first().click();
    const conflict = b.page.getByTestId('attention-conflict');
    await conflict.waitFor();
    // The parts, each with its label; never the composed address.
    expect(await conflict.locator('legend').allTextContents()).toEqual(['Số nhà', 'Ngõ / xóm / đường']);
    expect(await b.page.getByTestId('keep-mine-address').count()).toBe(0);
    await b.page.getByTestId('keep-mine-houseNumber').check();
    await b.page.getByTestId('keep-theirs-lane').check();
    await b.page.getByTestId('settle-conflict').click();
    await b.page.getByTestId('attention-empty').waitFor();
    await syncNow(b.page);
    await syncNow(a.page);

    for (const d of [a, b]) {
      await openHousehold(d.page, 'vu van khai');
      expect((await d.page.locator('main').textContent()) ?? '').toContain('7A, Xóm Đông');
      await d.page.getByRole('link', { name: 'Sửa', exact: true }).click();
      expect(await d.page.getByTestId('hh-houseNumber').inputValue()).toBe('7A');
      expect(await d.page.getByTestId('hh-lane').inputValue()).toBe('Xóm Đông');
    }
    await a.context.close();
    await b.context.close();
  });
});
