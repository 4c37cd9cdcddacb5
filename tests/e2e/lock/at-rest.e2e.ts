import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';
import { navigateInApp } from '../../support/navigate';
import type { Page } from 'playwright-core';
import { recordConsent } from '../../support/consent';
import { joinedPhone } from '../team/phones';

const e2e = browserTests('app');

/** Every row of every object store of the app's database, as JSON, read with IndexedDB itself. */
function readIndexedDb(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('cong-dong-so');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const idb = open.result;
          const names = [...idb.objectStoreNames];
          const tx = idb.transaction(names);
          const out: Record<string, unknown[]> = {};
          for (const name of names) {
            const all = tx.objectStore(name).getAll();
            all.onsuccess = () => (out[name] = all.result);
          }
          tx.oncomplete = () => {
            idb.close();
            // Binary values (the sealed blobs) as their bytes, so nothing hides in how they print.
            resolve(JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();

describe('encryption at rest', () => {
  it('leaves no name, phone or address in clear in the IndexedDB of a locked phone, and the household is found again once unlocked', async () => {
    const team = await e2e.server.newTeam('Tổ công nghệ số thôn Nam');
    const { context, page } = await joinedPhone(e2e.browser, e2e.server, 'Đoàn viên Khuê', team.headCode);

    await navigateInApp(page, e2e.server.url, '/households/new');
    await recordConsent(page);
    await page.getByTestId('hh-headName').fill('Huỳnh Thị Xuân Quỳnh');
    await page.getByTestId('hh-neighborhood').fill('Thôn Nam');
    await page.getByTestId('hh-houseNumber').fill('Số 27 lô K');
    await page.getByTestId('hh-lane').fill('Hẻm Bưởi Rừng');
    await page.getByTestId('hh-phone').fill('0936715284');
    await page.getByTestId('add-member').click();
    await page.getByTestId('m0-birthYear').fill('1971');
    await page.getByTestId('save-household').click();
    await page.getByTestId('household-title').waitFor();
    expect(await readIndexedDb(page)).toContain('Thôn Nam');

    await navigateInApp(page, e2e.server.url, '/settings');
    await page.getByTestId('lock-now').click();
    await page.getByTestId('lock-pin').waitFor();

    const stored = await readIndexedDb(page);
    // Every secret holds a space or a letter outside hex and is longer than three signs: ids, hashes and
    // base64 in the stored rows are random text, and a short one like "27B" turned up in a UUID by chance.
    for (const secret of ['Huỳnh Thị Xuân Quỳnh', 'Hẻm Bưởi Rừng', 'Số 27 lô K', '0936715284', 'Nguyễn Văn Bình']) {
      expect(stored).not.toContain(secret);
      expect(fold(stored)).not.toContain(fold(secret));
    }
    for (const word of ['quynh', 'xuan', 'buoi rung', '6715284']) expect(fold(stored)).not.toContain(word);

    // Unlocked, search without diacritics finds it as before.
    await page.getByTestId('lock-pin').fill('482916');
    await page.getByTestId('lock-submit').click();
    await page.waitForURL((u) => u.pathname !== '/lock');
    await navigateInApp(page, e2e.server.url, '/households');
    await page.getByTestId('household-search').fill('huynh thi xuan');
    await page.getByTestId('household-list').getByText('Huỳnh Thị Xuân Quỳnh').waitFor();

    await context.close();
  });
});
