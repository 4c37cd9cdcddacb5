import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { startAppServer, type AppServer } from '../../support/appServer';
import { recordConsent } from '../../support/consent';
import { joinedPhone, syncNow } from '../team/phones';

let server: AppServer;
let browser: Browser;
beforeAll(async () => {
  server = await startAppServer();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a phone the team removed', () => {
  it('loses the team’s data at its next sync and says why, also after a reload, until the person has read it', async () => {
    const team = await server.newTeam('Tổ công nghệ số thôn Bắc');
    const head = await joinedPhone(browser, server, 'Trưởng thôn Hùng', team.headCode);
    const lan = await joinedPhone(browser, server, 'Đoàn viên Lan', await team.memberCode());

    await lan.page.goto(server.url + '/households/new');
    await recordConsent(lan.page);
    await lan.page.getByTestId('hh-headName').fill('Đặng Thị Thu');
    await lan.page.getByTestId('hh-neighborhood').fill('Thôn Bắc');
    await lan.page.getByTestId('hh-houseNumber').fill('5');
    await lan.page.getByTestId('hh-lane').fill('Xóm Giữa');
    await lan.page.getByTestId('save-household').click();
    await lan.page.getByTestId('household-title').waitFor();
    await syncNow(lan.page, server);

    // The head removes Lan's phone on the Team screen.
    await head.page.goto(server.url + '/team');
    await head.page.getByTestId('revoke-device').first().click();
    await head.page.getByRole('dialog').getByRole('button', { name: 'Gỡ máy' }).click();
    await head.page.getByText('Đã gỡ').first().waitFor();

    // Lan's next sync (the app syncs when it opens) wipes the team's data and the app says so.
    await lan.page.goto(server.url + '/');
    const banner = lan.page.getByTestId('removed-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Tổ công nghệ số thôn Bắc');
    const households = await lan.page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('cong-dong-so');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction('households').objectStore('households').count();
            count.onsuccess = () => resolve(count.result);
          };
        }),
    );
    expect(households).toBe(0);

    await lan.page.reload();
    await lan.page.getByTestId('removed-banner').waitFor();
    await lan.page.getByTestId('removed-dismiss').click();
    await lan.page.getByTestId('removed-banner').waitFor({ state: 'detached' });
    await lan.page.reload();
    await lan.page.getByRole('heading', { name: 'Hôm nay' }).waitFor();
    // The membership store has loaded by the time the sync line says the phone is not in a team.
    await lan.page.waitForFunction(() => !!document.querySelector('[data-testid="sync-text"]')?.textContent);
    expect(await lan.page.getByTestId('removed-banner').count()).toBe(0);

    await head.context.close();
    await lan.context.close();
  });
});
