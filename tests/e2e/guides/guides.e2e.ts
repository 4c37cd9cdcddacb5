import { describe, expect, it } from 'vitest';
import { browserTests, installedApp } from '../support';
import { navigateInApp } from '../../support/navigate';
import { recordConsent } from '../../support/consent';
import { joinTeam } from '../../support/join';

const e2e = browserTests();

describe('guides', () => {
  it('offline and without an account: open a guide from the home screen, tick three steps, reload, resume at the fourth; the share QR renders', async () => {
    const { context, page } = await installedApp(e2e);
    await context.setOffline(true);
    await page.goto(e2e.server.url + '/');
    await page.getByTestId('open-guides').click();
    await page.getByTestId('guide-search').fill('vneid muc 1');
    await page.waitForSelector('[data-testid="guide-list"][data-query="vneid muc 1"]');
    await page.getByTestId('guide-list').getByRole('link').first().click();
    await page.getByTestId('guide-title').waitFor();
    expect(await page.getByTestId('guide-title').textContent()).toContain('mức 1');
    expect(await page.getByTestId('scam-warning').isVisible()).toBe(true);

    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      texts.push((await page.getByTestId('step-text').textContent()) ?? '');
      await page.getByTestId('step-done').check();
      await page.getByTestId('step-next').click();
    }
    const fourth = (await page.getByTestId('step-text').textContent()) ?? '';
    expect(new Set([...texts, fourth]).size).toBe(4);

    await page.reload();
    await page.getByTestId('step-card').waitFor();
    expect(await page.getByTestId('step-text').textContent()).toBe(fourth);
    expect(await page.getByTestId('step-card').textContent()).toContain('Bước 4 /');
    expect(await page.getByTestId('step-card').textContent()).toContain('Đã xong 3 /');
    await page.getByTestId('step-back').click();
    expect(await page.getByTestId('step-text').textContent()).toBe(texts[2]);
    expect(await page.getByTestId('step-done').isChecked()).toBe(true);

    await page.getByTestId('show-qr').click();
    const qr = page.getByTestId('guide-qr').locator('svg.qr');
    await qr.waitFor();
    const box = await qr.boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(((await qr.locator('path').getAttribute('d')) ?? '').length).toBeGreaterThan(500);
    await context.close();
  });

  it('a device without a voice for the language says so instead of reading with a wrong voice', async () => {
    const { context, page } = await installedApp(e2e);
    await page.addInitScript(() => {
      // No voices at all, as on many cheap phones without a Vietnamese voice pack.
      Object.defineProperty(window.speechSynthesis, 'getVoices', { value: () => [] });
    });
    await page.goto(e2e.server.url + '/guides/recognize-scams');
    await page.getByTestId('read-aloud').click();
    await page.getByTestId('no-voice').waitFor();
    expect(await page.getByTestId('no-voice').textContent()).toContain('tiếng Việt');
    await context.close();
  });
});

describe('VNeID checklist', () => {
  // The real server (the checklist syncs), for this block's tests only.
  const app = browserTests('app');

  it('an enrolled team member ticks steps with a citizen and sees the VNeID level change', async () => {
    const team = await app.server.newTeam();
    const context = await app.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await joinTeam(page, app.server.url, team.headCode, 'Trưởng thôn Hùng');

    await navigateInApp(page, app.server.url, '/households/new');
    await recordConsent(page);
    await page.getByTestId('hh-headName').fill('Lý Văn Phúc');
    await page.getByTestId('hh-neighborhood').fill('Thôn Tây');
    await page.getByTestId('hh-lane').fill('Xóm Bến');
    await page.getByTestId('add-member').click();
    await page.getByTestId('m0-birthYear').fill('1956');
    await page.getByTestId('save-household').click();
    await page.getByTestId('household-title').waitFor();

    await page.getByTestId('checklist-Lý Văn Phúc').click();
    await page.getByTestId('checklist-title').waitFor();
    expect(await page.getByTestId('scam-warning').isVisible()).toBe(true);
    expect(await page.getByTestId('vneid-level').textContent()).toContain('Chưa có');
    for (const key of ['prereq.chipCard', 'prereq.ownSim', 'level1.scanCard', 'level1.activated']) await page.getByTestId(`step-${key}`).check();
    await page.waitForFunction(() => document.querySelector('[data-testid="vneid-level"]')?.textContent?.includes('Mức 1'));
    expect(await page.getByTestId('vneid-level').textContent()).toContain('4/18');
    await page.getByTestId('step-level2.activated').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="vneid-level"]')?.textContent?.includes('Mức 2'));

    // The steps reach the server as checklistStep records, and the level with the member.
    await navigateInApp(page, app.server.url, '/');
    await page.getByTestId('sync-now').click();
    // The badge may still read "synced" from an earlier sync when it is first looked at: the
    // server's rows are what tell that this one is done.
    const rows = () =>
      app.server.db.query<{ entity: string; n: number }>(
        `select entity, count(*)::int as n from records where team_id = $1 group by entity order by entity`,
        [team.teamId],
      );
    await expect.poll(rows, { timeout: 60_000 }).toEqual([
      { entity: 'checklistStep', n: 5 },
      { entity: 'household', n: 1 },
      { entity: 'member', n: 1 },
    ]);
    const member = await app.server.db.query<{ level: number }>(`select (data->>'vneidLevel')::int as level from records where team_id = $1 and entity = 'member'`, [team.teamId]);
    expect(member[0]!.level).toBe(2);
    await context.close();
  });
});
