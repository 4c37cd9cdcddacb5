import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';
import { navigateInApp } from '../../support/navigate';
import { joinedPhone } from './phones';

const e2e = browserTests('app');

describe('invites on the Team screen', () => {
  it('the head makes invites, sees them listed with their role, cancels one; its code no longer joins, the other still does', async () => {
    const team = await e2e.server.newTeam();
    const head = await joinedPhone(e2e.browser, e2e.server, 'Trưởng thôn Hùng', team.headCode);
    const page = head.page;
    await navigateInApp(page, e2e.server.url, '/team');
    const rows = page.getByTestId('team-invites').locator('li');
    // The team's first head invite, made by the server for five people, has four uses left.
    await rows.first().getByText('Tạo trên máy chủ').waitFor();
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('Tổ trưởng · còn 4 lượt')]);

    const codes: Record<string, string> = {};
    for (const [value, role] of [
      ['member', 'Tổ viên'],
      ['head', 'Tổ trưởng'],
    ] as const) {
      await page.getByTestId('invite-role').selectOption(value);
      await page.getByTestId('create-invite').click();
      await page.getByTestId('invite-for').getByText(`vai trò: ${role}.`).waitFor();
      codes[value] = (await page.getByTestId('invite-code').textContent())!.trim();
    }
    expect(codes.member).not.toBe(codes.head);

    const mine = rows.filter({ hasText: 'Do Trưởng thôn Hùng tạo' });
    await expect.poll(() => mine.count()).toBe(2);
    const texts = await mine.allTextContents();
    expect(texts.filter((t) => t.includes('Tổ viên · còn 5 lượt'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Tổ trưởng · còn 5 lượt'))).toHaveLength(1);

    // Cancel the member invite, after confirming.
    await rows.filter({ hasText: 'Tổ viên' }).getByTestId('cancel-invite').click();
    const dialog = page.getByRole('dialog', { name: 'Hủy mã mời này?' });
    await dialog.getByRole('button', { name: 'Hủy mã' }).click();
    await page.getByText('Đã hủy mã mời.').waitFor();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.filter({ hasText: 'Tổ viên' }).count()).toBe(0);

    // The list the server keeps says the same after a reload.
    await page.reload();
    await expect.poll(() => mine.count()).toBe(1);
    expect(await rows.count()).toBe(2);
    expect(await mine.textContent()).toContain('Tổ trưởng · còn 5 lượt');

    // The cancelled code is refused, with what to do next.
    const stranger = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
    const join = await stranger.newPage();
    await join.goto(`${e2e.server.url}/join?code=${codes.member}`);
    await join.getByTestId('join-name').fill('Người lạ');
    await join.getByTestId('join-submit').click();
    await join.locator('#join-error').getByText('Mã mời không đúng, đã hết hạn hoặc đã dùng hết lượt.', { exact: false }).waitFor();
    expect(await join.getByRole('heading', { name: 'Hôm nay' }).count()).toBe(0);
    await stranger.close();

    // The invite left open still lets someone in, as a head.
    const deputy = await joinedPhone(e2e.browser, e2e.server, 'Phó thôn Minh', codes.head!);
    await navigateInApp(deputy.page, e2e.server.url, '/team');
    await deputy.page.getByText('Phó thôn Minh (Tổ trưởng)').waitFor();
    await deputy.context.close();
    await head.context.close();
  });
});
