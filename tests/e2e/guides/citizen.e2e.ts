import { describe, expect, it } from 'vitest';
import { installedApp, browserTests } from '../support';

const e2e = browserTests();

describe("the citizen's app", () => {
  it('opens on the guides, resumes a guide offline at the right step, and says when it is finished', async () => {
    const { context, page } = await installedApp(e2e);
    const url = e2e.server.url;

    // First visit of a phone with no team: the guides, with the team side one tap away.
    await page.getByTestId('citizen-home').waitFor();
    expect(await page.getByTestId('citizen-home').textContent()).toBe('Hướng dẫn từng bước');
    expect(await page.getByRole('heading', { name: 'Hôm nay' }).count()).toBe(0);
    expect(await page.getByTestId('team-side').textContent()).toBe('Tôi là thành viên tổ công nghệ số');
    expect(await page.getByTestId('guide-topics').getByRole('link').count()).toBe(7);

    // No signal from here on. A search typed without diacritics.
    await context.setOffline(true);
    await page.getByTestId('home-search').fill('sua loi vneid');
    await page.getByTestId('home-search').press('Enter');
    await page.waitForSelector('[data-testid="guide-list"][data-query="sua loi vneid"] li');
    await page.getByTestId('guide-list').getByRole('link', { name: /Sửa lỗi VNeID thường gặp/ }).click();
    await page.getByTestId('guide-title').waitFor();
    expect(await page.getByTestId('guide-title').textContent()).toBe('Sửa lỗi VNeID thường gặp');
    expect(await page.getByTestId('scam-warning').isVisible()).toBe(true);
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('step-done').check();
      await page.getByTestId('step-next').click();
    }
    const sixth = await page.getByTestId('step-text').textContent();

    // Back on the home screen, still offline: "continue where you left off", at step 6.
    await page.goto(url + '/');
    await page.getByTestId('continue-guides').waitFor();
    const entry = page.getByTestId('continue-guides').getByRole('link');
    expect(await entry.textContent()).toContain('Tiếp tục ở bước 6 / 11');
    await entry.click();
    await page.getByTestId('resume-note').waitFor();
    expect(await page.getByTestId('resume-note').textContent()).toBe('Tiếp tục ở bước 6: bạn đã dừng ở đây lần trước.');
    expect(await page.getByTestId('step-text').textContent()).toBe(sixth);
    // The step is brought into view, below the guide's introduction.
    await page.waitForFunction(() => {
      const r = document.querySelector('[data-testid="step-card"]')!.getBoundingClientRect();
      return window.scrollY > 0 && r.top >= 0 && r.top < window.innerHeight / 2;
    });

    // The same after a reload of the guide itself.
    await page.reload();
    await page.getByTestId('resume-note').waitFor();
    expect(await page.getByTestId('step-text').textContent()).toBe(sixth);

    // To the end: the last step finishes the guide, which says so and suggests related guides.
    for (let i = 5; i < 10; i++) {
      await page.getByTestId('step-done').check();
      await page.getByTestId('step-next').click();
    }
    expect(await page.getByTestId('step-card').textContent()).toContain('Bước 11 / 11');
    await page.getByTestId('step-finish').click();
    await page.getByTestId('guide-complete').waitFor();
    expect(await page.getByTestId('guide-complete').textContent()).toContain('Bạn đã làm xong hướng dẫn này');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('complete-h');
    await page.getByTestId('related-guides').waitFor();
    const related = page.getByTestId('related-guides').getByRole('link');
    expect(await related.count()).toBeGreaterThan(0);
    const relatedTitle = (await related.first().textContent()) ?? '';
    await related.first().click();
    await page.waitForFunction((title) => document.querySelector('[data-testid="guide-title"]')?.textContent === title, relatedTitle);

    // A finished guide is no longer offered to continue.
    await page.goto(url + '/');
    await page.getByTestId('citizen-home').waitFor();
    expect(await page.getByTestId('continue-guides').count()).toBe(0);

    // One tap to the team side, which the phone keeps from then on.
    await page.getByTestId('team-side').click();
    await page.getByRole('heading', { name: 'Hôm nay' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Hôm nay' }).waitFor();
    await context.close();
  });
});
