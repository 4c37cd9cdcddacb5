import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startStaticServer, type StaticServer } from '../support/staticServer';

export interface E2E {
  browser: Browser;
  server: StaticServer;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  const server = await startStaticServer('dist');
  const browser = await launchChromium();
  return {
    browser,
    server,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** A phone-sized context whose page has loaded the app once and is controlled by its service worker. */
export async function installedApp(e2e: E2E): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('pageerror:', err.message));
  await page.goto(e2e.server.url + '/');
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) => {
        if (reg.active?.state === 'activated') resolve();
        else reg.active?.addEventListener('statechange', () => resolve());
      });
    }
  });
  return { context, page };
}

export function localDate(offsetDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
