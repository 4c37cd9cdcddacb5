import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { installedApp, localDate, browserTests } from '../support';
import { fillHouseholdWithTwoMembers, recordConsent } from '../../support/consent';

const e2e = browserTests();

const text = (page: Page, selector: string) => page.locator(selector).textContent();

describe('forms that explain themselves', () => {
  it('household: required marks, limits on the inputs, the limit named, messages cleared as fields are corrected, the duplicate warning under the name', async () => {
    const { context, page } = await installedApp(e2e);
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { recorder: 'Lê Thị Mai' });
    await page.getByTestId('household-form').waitFor();

    // Nobody can type past a limit: 150 characters stop at 100.
    await page.getByTestId('hh-headName').fill('a'.repeat(150));
    expect((await page.getByTestId('hh-headName').inputValue()).length).toBe(100);
    expect(await page.locator('.address-parts legend').textContent()).toBe('Số nhà hoặc ngõ/xóm *');

    await page.getByTestId('hh-headName').fill('');
    await page.getByTestId('add-member').click();
    await page.getByTestId('m0-fullName').fill('Nguyễn Văn Bình');
    await page.getByTestId('m0-birthYear').fill('1890');
    await page.getByTestId('save-household').click();
    expect(await text(page, '#hh-headName-error')).toBe('Cần điền ô này.');
    expect(await text(page, '#hh-address-error')).toBe('Nhập số nhà hoặc ngõ/xóm — một trong hai là đủ.');
    expect(await text(page, '#m0-birthYear-error')).toBe(`Năm sinh từ 1900 đến ${new Date().getFullYear()}.`);

    // Each message goes as its field is put right, the others stay.
    await page.getByTestId('hh-lane').fill('Xóm Đình');
    await page.locator('#hh-address-error').waitFor({ state: 'detached' });
    expect(await page.locator('#hh-headName-error').count()).toBe(1);
    await page.getByTestId('m0-birthYear').fill('1958');
    await page.locator('#m0-birthYear-error').waitFor({ state: 'detached' });
    await page.getByTestId('hh-headName').fill('Nguyễn Văn Bình');
    await page.locator('#hh-headName-error').waitFor({ state: 'detached' });
    await page.getByTestId('hh-neighborhood').fill('Thôn Đông');
    await page.getByTestId('save-household').click();
    await page.getByTestId('household-title').waitFor();

    // A second household with the same head, typed without diacritics: warned right under the name.
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { recorder: 'Lê Thị Mai' });
    await page.getByTestId('hh-headName').fill('nguyen van binh');
    await page.getByTestId('hh-neighborhood').fill('Thôn Đông');
    await page.getByTestId('similar-warning').waitFor();
    const nameBox = await page.getByTestId('hh-headName').boundingBox();
    const warningBox = await page.getByTestId('similar-warning').boundingBox();
    const hoodBox = await page.getByTestId('hh-neighborhood').boundingBox();
    expect(warningBox!.y).toBeGreaterThan(nameBox!.y);
    expect(warningBox!.y).toBeLessThan(hoodBox!.y);
    await context.close();
  });

  it('session: at least 1 attendee, a warning when a result exceeds them, the recorder ticked as facilitator', async () => {
    const { context, page } = await installedApp(e2e);
    // The person using this phone is named when they record a household's consent.
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { recorder: 'Lê Thị Mai' });
    await fillHouseholdWithTwoMembers(page);
    await page.getByTestId('household-title').waitFor();

    await page.goto(e2e.server.url + '/sessions/new');
    await page.getByTestId('session-form').waitFor();
    await expect.poll(() => page.getByLabel('Lê Thị Mai', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByTestId('session-place').getAttribute('maxlength')).toBe('200');
    await page.getByTestId('session-place').fill('Nhà văn hóa thôn Đông');
    await page.getByLabel('Nhận biết lừa đảo', { exact: true }).check();
    await page.getByTestId('session-attendees').fill('0');
    await page.getByTestId('save-session').click();
    expect(await text(page, '#s-att-error')).toBe('Cần ít nhất 1 người dự.');

    await page.getByTestId('session-attendees').fill('10');
    await page.locator('#s-att-error').waitFor({ state: 'detached' });
    await page.getByTestId('result-scamTraining').fill('12');
    await page.getByTestId('results-over-attendees').waitFor();
    expect(await page.getByTestId('results-over-attendees').textContent()).toContain('nhiều hơn số người dự (10)');
    // A warning, not a refusal.
    await page.getByTestId('save-session').click();
    await page.getByTestId('session-list').locator('li').first().waitFor();
    await context.close();
  });

  it('visit: a date after today is refused', async () => {
    const { context, page } = await installedApp(e2e);
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { recorder: 'Lê Thị Mai' });
    await fillHouseholdWithTwoMembers(page);
    await page.getByTestId('household-title').waitFor();
    await page.getByTestId('log-visit').click();
    await page.getByTestId('visit-form').waitFor();
    expect(await page.getByTestId('visit-date').getAttribute('max')).toBe(localDate());
    await page.getByTestId('visit-date').fill(localDate(1));
    await page.getByLabel('Cài đặt / kích hoạt VNeID', { exact: true }).check();
    await page.getByTestId('outcome-done').check();
    await page.getByTestId('save-visit').click();
    expect(await text(page, '#visit-date-error')).toBe('Ngày đến không được sau hôm nay.');
    await page.getByTestId('visit-date').fill(localDate());
    await page.locator('#visit-date-error').waitFor({ state: 'detached' });
    await page.getByTestId('save-visit').click();
    await page.getByTestId('visit-history').locator('li').first().waitFor();
    await context.close();
  });
});
