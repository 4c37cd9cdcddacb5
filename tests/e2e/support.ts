import { beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startAppServer, type AppServer } from '../support/appServer';
import { startStaticServer, type StaticServer } from '../support/staticServer';

/** Chromium and the server a browser test file talks to. */
export interface E2E<S extends { url: string } = StaticServer> {
  browser: Browser;
  server: S;
}

/**
 * The set-up every browser test file shares: registers a `beforeAll` that starts the server and
 * Chromium side by side and, once the file is done, closes both. The returned object is filled in
 * once the hook has run, so read its fields inside tests and hooks, not at the file's top level.
 *
 *   const e2e = browserTests();     // the production build on a static server (no API)
 *   const e2e = browserTests('app'); // the real app server: dist/ and the sync API on PGlite
 *
 * A file that needs more before its tests (a team with content, a second build) adds its own
 * `beforeAll` after this call: Vitest runs them in that order.
 */
export function browserTests(): E2E<StaticServer>;
export function browserTests(server: 'static'): E2E<StaticServer>;
export function browserTests(server: 'app'): E2E<AppServer>;
export function browserTests(server: 'static' | 'app' = 'static'): E2E<StaticServer> | E2E<AppServer> {
  let browser: Browser | undefined;
  let started: StaticServer | AppServer | undefined;
  const e2e = {
    get browser(): Browser {
      if (!browser) throw new Error('browserTests(): Chromium is started in beforeAll; use it inside tests and hooks');
      return browser;
    },
    get server() {
      if (!started) throw new Error('browserTests(): the server is started in beforeAll; use it inside tests and hooks');
      return started;
    },
  };
  // The teardown is returned rather than registered with afterAll: Vitest runs it after the
  // file's own afterAll hooks, which may still need the browser or the server.
  beforeAll(async () => {
    const [s, b] = await Promise.allSettled([server === 'app' ? startAppServer() : startStaticServer('dist'), launchChromium()]);
    if (s.status === 'fulfilled') started = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    const close = async () => {
      await browser?.close();
      await started?.close();
    };
    const failed = [s, b].find((r) => r.status === 'rejected');
    if (failed) {
      await close();
      throw failed.reason;
    }
    return close;
  });
  return e2e as E2E<StaticServer> | E2E<AppServer>;
}

/** A phone-sized context whose page has loaded the app once and is controlled by its service worker. */
export async function installedApp(e2e: E2E<{ url: string }>): Promise<{ context: BrowserContext; page: Page }> {
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
