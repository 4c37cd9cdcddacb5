import { describe, expect, it } from 'vitest';
import { installedApp, localDate, browserTests } from '../support';
import { fillHouseholdWithTwoMembers, recordConsent } from '../../support/consent';

const e2e = browserTests();

describe('reading before editing', () => {
  it('a visit opens as a card to read, with who recorded it, and Edit opens the form', async () => {
    const { context, page } = await installedApp(e2e);
    await context.setOffline(true);
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { purposes: ['support', 'followUp'], recorder: 'Lê Thị Mai' });
    await fillHouseholdWithTwoMembers(page, { phone: '0912345678' });
    await page.getByTestId('household-title').waitFor();

    // The household page: the head marked, the phone as a large tel: link, member rows as links.
    expect(await page.getByTestId('head-of-household').count()).toBe(1);
    expect(await page.getByTestId('member-Nguyễn Văn Bình').getByTestId('head-of-household').count()).toBe(1);
    const phone = page.getByTestId('household-phone');
    expect(await phone.getAttribute('href')).toBe('tel:0912345678');
    expect((await phone.textContent())?.trim()).toBe('0912 345 678');
    const box = await phone.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.width).toBeGreaterThanOrEqual(44);
    expect(await page.getByTestId('member-Trần Thị Hoa').locator('svg').count()).toBe(1);

    await page.getByTestId('log-visit').click();
    await page.getByTestId('visit-member-Trần Thị Hoa').check();
    await page.getByLabel('Cài đặt / kích hoạt VNeID', { exact: true }).check();
    await page.getByTestId('outcome-followUp').check();
    await page.getByTestId('visit-followup').fill(localDate(3));
    await page.getByTestId('save-visit').click();
    const history = page.getByTestId('visit-history');
    await history.locator('li').first().waitFor();
    expect(await history.getByTestId('visit-recorder').textContent()).toBe('Ghi bởi Lê Thị Mai');

    await history.locator('a').first().click();
    await page.getByTestId('visit-card').waitFor();
    expect(await page.locator('main input, main textarea, main select').count()).toBe(0);
    const facts = await page.locator('.facts dt').evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
    const [y, m, d] = localDate().split('-').map(Number);
    const [fy, fm, fd] = localDate(3).split('-').map(Number);
    expect(facts).toEqual([
      ['Ngày', `${d}/${m}/${y}`],
      ['Hỗ trợ việc gì', 'Cài đặt / kích hoạt VNeID'],
      ['Kết quả', 'Cần quay lại'],
      ['Ai được hỗ trợ', 'Trần Thị Hoa'],
      ['Ngày hẹn quay lại', `${fd}/${fm}/${fy}`],
      ['Người ghi', 'Lê Thị Mai'],
    ]);

    await page.getByTestId('edit-visit').click();
    await page.getByTestId('visit-form').waitFor();
    expect(await page.getByTestId('visit-date').inputValue()).toBe(localDate());
    await context.close();
  });

  it('"Xuất dữ liệu của hộ" opens a Vietnamese document to print, with the JSON as an extra', async () => {
    const { context, page } = await installedApp(e2e);
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { recorder: 'Lê Thị Mai' });
    await fillHouseholdWithTwoMembers(page);
    await page.getByTestId('household-title').waitFor();
    await page.getByTestId('export-household').click();
    await page.getByTestId('export-document').waitFor();
    expect(await page.getByTestId('export-document').locator('h1').textContent()).toBe('Dữ liệu của hộ Nguyễn Văn Bình');
    // Printed, only the document is left: no app bars, no buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-nav').isVisible()).toBe(false);
    expect(await page.getByTestId('export-print').isVisible()).toBe(false);
    expect(await page.getByTestId('export-document').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    expect(download.suggestedFilename()).toMatch(/^ho-nguyen-van-binh-\d{4}-\d{2}-\d{2}\.json$/);
    await context.close();
  });
});
