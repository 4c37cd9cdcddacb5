import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';
import { navigateInApp } from '../../support/navigate';
import { recordConsent } from '../../support/consent';
import { joinedPhone, syncNow } from '../team/phones';

const e2e = browserTests('app');

describe('a phone the team removed', () => {
  it('loses the team’s data at its next sync and says why, also after a reload, until the person has read it', async () => {
    const team = await e2e.server.newTeam('Tổ công nghệ số thôn Bắc');
    const head = await joinedPhone(e2e.browser, e2e.server, 'Trưởng thôn Hùng', team.headCode);
    const lan = await joinedPhone(e2e.browser, e2e.server, 'Đoàn viên Lan', await team.memberCode());

    await navigateInApp(lan.page, e2e.server.url, '/households/new');
    await recordConsent(lan.page);
    await lan.page.getByTestId('hh-headName').fill('Đặng Thị Thu');
    await lan.page.getByTestId('hh-neighborhood').fill('Thôn Bắc');
    await lan.page.getByTestId('hh-houseNumber').fill('5');
    await lan.page.getByTestId('hh-lane').fill('Xóm Giữa');
    await lan.page.getByTestId('save-household').click();
    await lan.page.getByTestId('household-title').waitFor();
    await syncNow(lan.page, e2e.server);

    // The head removes Lan's phone on the Team screen.
    await navigateInApp(head.page, e2e.server.url, '/team');
    await head.page.getByTestId('revoke-device').first().click();
    await head.page.getByRole('dialog').getByRole('button', { name: 'Gỡ máy' }).click();
    await head.page.getByText('Đã gỡ').first().waitFor();

    // Lan's next sync (the app syncs when it opens) wipes the team's data and the app says so.
    await lan.page.goto(e2e.server.url + '/');
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
