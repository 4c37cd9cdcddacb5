import { describe, expect, it } from 'vitest';
import { installedApp, localDate, browserTests } from '../support';
import { fillHouseholdWithTwoMembers, recordConsent } from '../../support/consent';

const e2e = browserTests();

describe('field work with the network off', () => {
  it('registers a household with two members, logs a visit with a follow-up, records a session, and finds it all after a reload', async () => {
    const { context, page } = await installedApp(e2e);
    await context.setOffline(true);

    // A deep link, cold, with no network: served by the service worker.
    await page.goto(e2e.server.url + '/households/new');
    await page.getByTestId('consent-step').waitFor();
    // Nothing is pre-ticked.
    for (const p of ['support', 'followUp', 'reporting']) expect(await page.getByTestId(`consent-${p}`).isChecked()).toBe(false);
    await recordConsent(page, { purposes: ['support', 'followUp'], recorder: 'Lê Thị Mai' });

    await fillHouseholdWithTwoMembers(page);

    await page.getByTestId('household-title').waitFor();
    expect(await page.getByTestId('household-title').textContent()).toBe('Nguyễn Văn Bình');
    expect(await page.getByTestId('member-list').locator('li').count()).toBe(2);

    // Log a visit with a follow-up today.
    await page.getByTestId('log-visit').click();
    await page.getByTestId('visit-form').waitFor();
    expect(await page.getByTestId('visit-date').inputValue()).toBe(localDate());
    await page.getByTestId('visit-member-Trần Thị Hoa').check();
    await page.getByLabel('Cài đặt / kích hoạt VNeID', { exact: true }).check();
    await page.getByTestId('outcome-followUp').check();
    await page.getByTestId('visit-followup').fill(localDate());
    await page.getByTestId('visit-notes').fill('Chưa có SIM chính chủ, hẹn hôm sau');
    await page.getByTestId('save-visit').click();
    await page.getByTestId('visit-history').locator('li').first().waitFor();
    expect(await page.getByTestId('visit-history').textContent()).toContain('Cần quay lại');

    // Record a group session.
    await page.goto(e2e.server.url + '/sessions/new');
    await page.getByTestId('session-place').fill('Nhà văn hóa thôn Đông');
    await page.getByLabel('Nhận biết lừa đảo', { exact: true }).check();
    await page.getByTestId('session-attendees').fill('32');
    await page.getByTestId('result-scamTraining').fill('30');
    await page.getByTestId('save-session').click();
    await page.getByTestId('session-list').locator('li').first().waitFor();

    // Reload, still offline: everything is still there.
    await page.reload();
    await page.getByTestId('session-list').locator('li').first().waitFor();
    expect(await page.getByTestId('session-list').textContent()).toContain('Nhà văn hóa thôn Đông');

    await page.goto(e2e.server.url + '/households');
    const list = page.getByTestId('household-list');
    await page.waitForSelector('[data-testid="household-list"][data-complete="true"]');
    for (const q of ['nguyen van binh', 'NGUYEN VAN BINH', 'binh dong', 'tran thi hoa', 'duong le loi']) {
      await page.getByTestId('household-search').fill(q);
      await page.waitForSelector(`[data-testid="household-list"][data-query="${q}"]`, { state: "attached" });
      expect(await list.locator('li').count(), q).toBe(1);
      expect(await list.locator('li').first().textContent()).toContain('Nguyễn Văn Bình');
    }
    await page.getByTestId('household-search').fill('pham');
    await page.waitForSelector(`[data-testid="household-list"][data-query="pham"]`, { state: "attached" });
    expect(await list.locator('li').count()).toBe(0);

    // "Today" shows the follow-up due today and the changes waiting to sync
    // (1 household + 2 members + 1 visit + 1 session).
    await page.goto(e2e.server.url + '/');
    await page.getByTestId('followups-dueToday').waitFor();
    expect(await page.getByTestId('followups-dueToday').textContent()).toContain('Nguyễn Văn Bình');
    // The waiting count is a live query that starts after the first paint.
    await expect.poll(() => page.getByTestId('today-waiting').textContent()).toContain('5');
    await context.close();
  });

  it('keeps a half-typed visit through a reload and offers to resume it', async () => {
    const { context, page } = await installedApp(e2e);
    await context.setOffline(true);
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { recorder: 'Lê Thị Mai' });
    await page.getByTestId('hh-headName').fill('Phạm Văn Đức');
    await page.getByTestId('hh-neighborhood').fill('Tổ dân phố 3');
    await page.getByTestId('hh-lane').fill('Xóm Giữa');
    await page.getByTestId('save-household').click();
    await page.getByTestId('log-visit').click();
    await page.getByTestId('visit-notes').fill('Đang hướng dẫn cài VNeID');
    await page.waitForTimeout(800);
    await page.reload();
    await page.getByText('Tiếp tục nhập').click();
    expect(await page.getByTestId('visit-notes').inputValue()).toBe('Đang hướng dẫn cài VNeID');
    await context.close();
  });

  it('switches to English, remembers it and sets <html lang>', async () => {
    const { context, page } = await installedApp(e2e);
    await page.goto(e2e.server.url + '/settings');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.getByTestId('lang-en').check();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await context.close();
  });
});
