// An update never loses work: offline deep link, half a form, a new build at the same origin,
// the update prompt, accept, and the draft is still there.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserTests, installedApp } from '../support';
import { recordConsent } from '../../support/consent';

const e2e = browserTests();
beforeAll(() => {
  // A second build of the app, told apart by its build id (so its files and precache differ).
  const r = spawnSync('npx', ['vite', 'build', '--outDir', 'dist-v2', '--emptyOutDir', '--logLevel', 'warn'], {
    env: { ...process.env, APP_BUILD_ID: 'v2' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('second build failed');
}, 180_000);

describe('updates', () => {
  it('offline cold deep link, half a form, a new version, "Update", and the draft is intact', async () => {
    const { context, page } = await installedApp(e2e);
    await context.setOffline(true);
    // A cold start of a deep link with no network.
    await page.goto(e2e.server.url + '/households/new');
    await recordConsent(page, { recorder: 'Lê Thị Mai' });
    await page.getByTestId('hh-headName').fill('Hồ Văn Toàn');
    await page.getByTestId('hh-neighborhood').fill('Thôn Đông');

    // The new build appears on the server; the app looks for it (as it does hourly and on return).
    await context.setOffline(false);
    e2e.server.setRoot('dist-v2');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByTestId('update-apply').waitFor({ timeout: 30_000 });
    // Still typing while the prompt waits: nothing reloads by itself.
    await page.getByTestId('hh-lane').fill('Xóm Giữa');
    expect(await page.getByTestId('hh-headName').inputValue()).toBe('Hồ Văn Toàn');

    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.getByTestId('update-apply').click()]);
    await page.getByText('Tiếp tục nhập').click();
    expect(await page.getByTestId('hh-headName').inputValue()).toBe('Hồ Văn Toàn');
    expect(await page.getByTestId('hh-lane').inputValue()).toBe('Xóm Giữa');
    expect(await page.getByTestId('consent-recorded').textContent()).toContain('Lê Thị Mai');

    await page.goto(e2e.server.url + '/settings');
    await page.getByText('+v2').waitFor();
    await context.close();
  });
});
