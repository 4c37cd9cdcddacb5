import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';
import { navigateInApp } from '../../support/navigate';
import { TEST_PIN } from '../../support/join';
import { joinedPhone } from '../team/phones';

const e2e = browserTests('app');

describe('the app lock in the browser', () => {
  it('a wrong PIN is refused and the right one opens; while locked nothing syncs and the guides stay open; the wait after three wrong PINs survives a reload', async () => {
    const team = await e2e.server.newTeam('Tổ công nghệ số khu phố 4');
    const { context, page } = await joinedPhone(e2e.browser, e2e.server, 'Chị Hạnh', team.headCode);
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      // The guides' public route may be called; no route of the team's.
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/') && !path.startsWith('/api/guides')) apiCalls.push(r.url());
    });
    const lockNow = async () => {
      await navigateInApp(page, e2e.server.url, '/settings');
      await page.getByTestId('lock-now').click();
      await page.getByTestId('lock-pin').waitFor();
    };

    // A wrong PIN says so; the right one opens the app, and only then does it sync.
    await lockNow();
    apiCalls.length = 0;
    await page.getByTestId('lock-pin').fill('000000');
    await page.getByTestId('lock-submit').click();
    await page.locator('#lock-error', { hasText: 'Mã PIN không đúng.' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/lock');
    await page.getByTestId('lock-pin').fill(TEST_PIN);
    await page.getByTestId('lock-submit').click();
    await page.waitForURL((u) => u.pathname !== '/lock');
    await expect.poll(() => apiCalls.length, { timeout: 60_000 }).toBeGreaterThan(0);

    // Locked: a team screen asks for the PIN, the guides do not, and coming online calls no server route.
    await lockNow();
    apiCalls.length = 0;
    await navigateInApp(page, e2e.server.url, '/households');
    await page.getByTestId('lock-pin').waitFor();
    await navigateInApp(page, e2e.server.url, '/guides/vneid-level-1');
    await page.getByTestId('guide-title').waitFor();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForTimeout(2_000);
    expect(apiCalls).toEqual([]);

    // Two wrong PINs cost nothing; the third makes the phone wait, and a reload does not end it.
    await navigateInApp(page, e2e.server.url, '/households');
    await page.getByTestId('lock-pin').waitFor();
    for (let i = 0; i < 3; i++) {
      expect(await page.getByTestId('lock-wait').textContent()).toBe('');
      await page.getByTestId('lock-pin').fill('000000');
      await page.getByTestId('lock-submit').click();
      // The field is emptied once the PIN has been checked.
      await expect.poll(() => page.getByTestId('lock-pin').inputValue(), { timeout: 60_000 }).toBe('');
    }
    await page.getByTestId('lock-wait').filter({ hasText: 'Hãy chờ' }).waitFor();
    expect(await page.getByTestId('lock-submit').isDisabled()).toBe(true);
    // The page's own reload: the joined phone's `reload` types the PIN afterwards (tests/support/join.ts).
    await (Object.getPrototypeOf(page) as typeof page).reload.call(page);
    await page.getByTestId('lock-wait').filter({ hasText: 'Hãy chờ' }).waitFor();
    expect(await page.getByTestId('lock-submit').isDisabled()).toBe(true);
    expect(apiCalls).toEqual([]);
    await context.close();
  });
});
