/**
 * Browser tests: moving between screens inside the running app, as a tapped link does, instead of
 * loading the page again. Each load is an app start, and a phone with a PIN starts locked: the
 * unlock (tests/support/join.ts) derives the PIN's key, hundreds of thousands of PBKDF2 rounds.
 * A test whose subject is a load (persistence, an offline start, the service worker) loads.
 */
import type { Page } from 'playwright-core';

interface RouteLike {
  fullPath: string;
  matched: { components?: Record<string, unknown> | null }[];
}

interface RouterLike {
  push(to: string): Promise<unknown>;
  resolve(to: string): RouteLike;
  currentRoute: { value: RouteLike };
}

/**
 * Goes to `path` (e.g. `/households/new`) with the app's own router and waits until the new
 * screen has rendered. Loads the page instead when the app is not running in it yet, is already
 * on that path or on another route of the same screen (so the screen starts afresh, as after a
 * load), or the router refuses the move.
 */
export async function navigateInApp(page: Page, url: string, path: string): Promise<void> {
  const moved = await page.evaluate(async (to) => {
    const host = document.querySelector('#app') as (Element & { __vue_app__?: { config: { globalProperties: { $router?: RouterLike } } } }) | null;
    const router = host?.__vue_app__?.config.globalProperties.$router;
    if (!router) return false;
    const from = router.currentRoute.value;
    if (from.fullPath === to) return false;
    // The router keeps a screen's component when the next route shows the same one (adding a
    // member, then editing one): it would not load the new route's data as a fresh screen does.
    // A route not shown yet still holds its lazy loader: compare what it loads.
    const screen = async (r: RouteLike) => {
      const c = r.matched[r.matched.length - 1]?.components?.default;
      if (typeof c !== 'function' || '__vccOpts' in c || 'props' in c) return c;
      const loaded = (await (c as () => Promise<{ default?: unknown }>)()) ?? {};
      return loaded.default ?? loaded;
    };
    if ((await screen(router.resolve(to))) === (await screen(from))) return false;
    // A failed navigation (a guard kept or sent the app where it already was) falls back to a load.
    if (await router.push(to)) return false;
    // The router has confirmed the route; Vue renders it on its next flush.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return true;
  }, path);
  if (moved) await page.waitForFunction(() => !!document.querySelector('main h1'));
  else await page.goto(url + path);
}
