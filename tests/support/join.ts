/**
 * Browser tests: a phone joins a team as a person does (invite code, name, then the app-lock PIN
 * the app asks for), and from then on every navigation that lands on the lock screen (each
 * `goto` and `reload` is an app start, which locks) is unlocked with that PIN.
 */
import type { Page } from 'playwright-core';

export const TEST_PIN = '482916';

export async function joinTeam(page: Page, url: string, code: string, name: string, pin = TEST_PIN): Promise<void> {
  await page.goto(`${url}/join?code=${code}`);
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  const error = page.locator('#join-error');
  await Promise.race([page.getByTestId('pin-new').waitFor(), error.waitFor()]);
  if (await error.count()) throw new Error(`join failed: ${await error.textContent()}`);
  await page.getByTestId('pin-new').fill(pin);
  await page.getByTestId('pin-confirm').fill(pin);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('sync-now').waitFor();
  unlockAfterNavigation(page, pin);
}

/** After the app's first screen is up, enters the PIN if that screen is the lock screen. */
export async function unlockIfLocked(page: Page, pin = TEST_PIN): Promise<void> {
  await page.waitForFunction(() => !!document.querySelector('main h1'));
  if (new URL(page.url()).pathname !== '/lock') return;
  await page.getByTestId('lock-pin').fill(pin);
  await page.getByTestId('lock-submit').click();
  await page.waitForURL((u) => u.pathname !== '/lock');
}

function unlockAfterNavigation(page: Page, pin: string): void {
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (...args: Parameters<Page['goto']>) => {
    const response = await goto(...args);
    await unlockIfLocked(page, pin);
    return response;
  };
  page.reload = async (...args: Parameters<Page['reload']>) => {
    const response = await reload(...args);
    await unlockIfLocked(page, pin);
    return response;
  };
}
