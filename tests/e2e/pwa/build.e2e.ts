// The production build as an installable app: service worker, manifest, precache.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const sw = existsSync('dist/sw.js') ? readFileSync('dist/sw.js', 'utf8') : '';

function precached(): string[] {
  const workbox = readdirSync('dist').find((f) => /^workbox-.*\.js$/.test(f));
  expect(workbox, 'the Workbox runtime is emitted').toBeDefined();
  return [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]!);
}

describe('the build', () => {
  it('has a service worker and a complete manifest', () => {
    expect(sw.length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync('dist/manifest.webmanifest', 'utf8')) as Record<string, unknown> & {
      icons: { sizes: string; purpose?: string; src: string }[];
      screenshots: { form_factor: string; src: string }[];
    };
    expect(manifest).toMatchObject({ lang: 'vi', start_url: '/', scope: '/', display: 'standalone', theme_color: '#0b5d4b', background_color: '#ffffff' });
    expect(String(manifest.name)).toContain('Cộng Đồng Số');
    expect(String(manifest.short_name).length).toBeLessThanOrEqual(12);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    for (const i of manifest.icons) expect(existsSync(`dist/${i.src}`), i.src).toBe(true);
    expect(new Set(manifest.screenshots.map((s) => s.form_factor))).toEqual(new Set(['narrow', 'wide']));
    for (const s of manifest.screenshots) expect(existsSync(`dist/${s.src}`), s.src).toBe(true);
    const html = readFileSync('dist/index.html', 'utf8');
    expect(html).toContain('rel="apple-touch-icon"');
    // The page's icon is a PNG: an SVG one is built into a document on the page's main thread
    // after load, a long task on a busy phone (scripts/make-icons.mjs).
    const icon = /<link rel="icon" href="\/([^"]+)"/.exec(html)?.[1];
    expect(icon).toMatch(/\.png$/);
    expect(existsSync(`dist/${icon}`)).toBe(true);
    expect(precached()).toContain(icon);
  });

  it('precaches the app shell and every route chunk, and no API path', () => {
    const urls = precached();
    expect(urls).toContain('index.html');
    // index.html loads it before the app (tests/e2e/pwa/startup.e2e.ts): offline too.
    expect(urls).toContain('storage-warmup.js');
    const assets = readdirSync('dist/assets').filter((f) => f.endsWith('.js') || f.endsWith('.css'));
    for (const a of assets) expect(urls, a).toContain(`assets/${a}`);
    for (const page of ['TodayPage', 'HouseholdListPage', 'HouseholdPage', 'HouseholdNewPage', 'VisitFormPage', 'SessionFormPage', 'SettingsPage', 'GuidePage', 'GuideListPage', 'ChecklistPage', 'JoinPage', 'TeamPage', 'AttentionPage']) {
      expect(urls.some((u) => u.startsWith(`assets/${page}-`)), page).toBe(true);
    }
    // Every shipped guide works offline.
    expect(urls.filter((u) => /assets\/[a-z0-9-]+-[\w-]+\.js$/.test(u)).length).toBeGreaterThan(10);
    expect(urls.some((u) => u.includes('api/'))).toBe(false);
    // Navigations fall back to the app shell, except API calls, which never come from a cache.
    expect(sw).toMatch(/NavigationRoute\(.*index\.html/s);
    expect(sw).toContain('denylist:[/^\\/api\\//]');
  });
});
