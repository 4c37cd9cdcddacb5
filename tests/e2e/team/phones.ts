/** Phones of one team against the real server: joining with an invite and syncing, as a person does. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AppServer } from '../../support/appServer';
import { joinTeam } from '../../support/join';
import { navigateInApp } from '../../support/navigate';

export interface Phone {
  context: BrowserContext;
  page: Page;
}

/** A 360 × 800 phone in Vietnamese that joined the team with `code` and has its service worker in place. */
export async function joinedPhone(browser: Browser, server: AppServer, name: string, code: string): Promise<Phone> {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${name}] pageerror:`, err.message));
  await joinTeam(page, server.url, code, name);
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (reg.active?.state !== 'activated') await new Promise((r) => reg.active?.addEventListener('statechange', r));
  });
  return { context, page };
}

/** Taps "sync now" on Today and waits until nothing is left to send. */
export async function syncNow(page: Page, server: AppServer): Promise<void> {
  await navigateInApp(page, server.url, '/');
  await page.getByTestId('sync-now').click();
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="sync-text"]')?.textContent ?? '';
    return text.startsWith('Đã đồng bộ') && !document.querySelector('[data-testid="waiting-count"]');
  });
}
