import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';
import { navigateInApp } from '../../support/navigate';
import type { Page } from 'playwright-core';
import { recordConsent } from '../../support/consent';
import { joinedPhone, syncNow } from './phones';

const e2e = browserTests('app');

/** The neighborhood names the household form offers (its datalist). */
async function offeredNeighborhoods(page: Page): Promise<string[]> {
  await navigateInApp(page, e2e.server.url, '/households/new');
  await recordConsent(page);
  await page.getByTestId('hh-neighborhood').waitFor();
  return page.locator('#neighborhood-options option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
}

/** The neighborhoodId stored on this phone for the household `householdId` (read raw: its names are sealed, its links are not). */
function neighborhoodIdOf(page: Page, householdId: string): Promise<string | null> {
  return page.evaluate(
    (wanted) =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('cong-dong-so');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('households').objectStore('households').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            const row = (all.result as { id: string; neighborhoodId?: string }[]).find((h) => h.id === wanted);
            open.result.close();
            resolve(row?.neighborhoodId ?? null);
          };
        };
      }),
    householdId,
  );
}

function neighborhoodIdNamed(page: Page, name: string): Promise<string | null> {
  return page.evaluate(
    (wanted) =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('cong-dong-so');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('neighborhoods').objectStore('neighborhoods').getAll();
          all.onsuccess = () => {
            const row = (all.result as { id: string; name: string; deleted: number }[]).find((n) => n.name === wanted && !n.deleted);
            open.result.close();
            resolve(row?.id ?? null);
          };
        };
      }),
    name,
  );
}

describe('neighborhoods shared by the team', () => {
  it('the head adds and renames one on the Team screen; another phone of the team is offered it in the household form after a sync', async () => {
    const team = await e2e.server.newTeam();
    const head = await joinedPhone(e2e.browser, e2e.server, 'Trưởng thôn Hùng', team.headCode);
    const member = await joinedPhone(e2e.browser, e2e.server, 'Đoàn viên Lan', await team.memberCode());
    // Offline, the member's phone cannot sync on its own before the test asks it to.
    await member.context.setOffline(true);

    await navigateInApp(head.page, e2e.server.url, '/team');
    const list = head.page.getByTestId('neighborhood-list');
    await head.page.getByTestId('neighborhood-name').fill('Thôn Đông');
    await head.page.getByTestId('add-neighborhood').click();
    await list.getByText('Thôn Đông').waitFor();
    await head.page.getByTestId('neighborhood-name').fill('Tổ dân phố 3');
    await head.page.getByTestId('add-neighborhood').click();
    await list.getByText('Tổ dân phố 3').waitFor();
    // The same name without diacritics is refused.
    await head.page.getByTestId('neighborhood-name').fill('thon dong');
    await head.page.getByTestId('add-neighborhood').click();
    await head.page.locator('#hood-error').getByText('Đã có thôn / tổ dân phố này trong danh sách.').waitFor();

    await head.page.getByRole('button', { name: 'Sửa tên Thôn Đông' }).click();
    await list.locator('input').fill('Thôn Đông Hòa');
    await list.getByRole('button', { name: 'Lưu' }).click();
    await list.getByText('Thôn Đông Hòa').waitFor();
    expect(await list.locator('li').allTextContents()).toEqual([expect.stringContaining('Thôn Đông Hòa'), expect.stringContaining('Tổ dân phố 3')]);
    await syncNow(head.page, e2e.server);

    expect(await offeredNeighborhoods(member.page)).toEqual([]);
    await member.context.setOffline(false);
    await syncNow(member.page, e2e.server);
    expect(await offeredNeighborhoods(member.page)).toEqual(['Thôn Đông Hòa', 'Tổ dân phố 3']);
    await head.context.close();
    await member.context.close();
  });

  it('seeding the list from what was typed on households links those households, and the link reaches the other phone', async () => {
    const team = await e2e.server.newTeam('Tổ công nghệ số thôn Chùa');
    const head = await joinedPhone(e2e.browser, e2e.server, 'Trưởng thôn Hùng', team.headCode);
    const member = await joinedPhone(e2e.browser, e2e.server, 'Đoàn viên Lan', await team.memberCode());

    await navigateInApp(member.page, e2e.server.url, '/households/new');
    await recordConsent(member.page);
    await member.page.getByTestId('hh-headName').fill('Phạm Văn Đức');
    await member.page.getByTestId('hh-neighborhood').fill('xom chua');
    await member.page.getByTestId('hh-houseNumber').fill('4');
    await member.page.getByTestId('save-household').click();
    await member.page.getByTestId('household-title').waitFor();
    const householdId = new URL(member.page.url()).pathname.split('/').pop()!;
    await syncNow(member.page, e2e.server);
    expect(await neighborhoodIdOf(member.page, householdId)).toBeNull();

    await syncNow(head.page, e2e.server);
    await navigateInApp(head.page, e2e.server.url, '/team');
    await head.page.getByTestId('neighborhood-seed').getByText('xom chua').waitFor();
    await head.page.getByTestId('seed-neighborhoods').click();
    await head.page.getByTestId('neighborhood-list').getByText('xom chua').waitFor();
    const id = await neighborhoodIdNamed(head.page, 'xom chua');
    expect(id).not.toBeNull();
    expect(await neighborhoodIdOf(head.page, householdId)).toBe(id);
    await syncNow(head.page, e2e.server);

    await syncNow(member.page, e2e.server);
    expect(await neighborhoodIdOf(member.page, householdId)).toBe(id);
    expect(await offeredNeighborhoods(member.page)).toEqual(['xom chua']);
    await head.context.close();
    await member.context.close();
  });
});
