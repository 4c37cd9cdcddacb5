// Takes the manifest's screenshots (narrow and wide) of the built app with demo data, in Debian
// Chromium. Run after `npm run build` while `npm start` serves it: node scripts/make-screenshots.mjs http://127.0.0.1:8080
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const shots = [
  { file: 'public/screenshots/today-narrow.png', viewport: { width: 360, height: 740 }, path: '/' },
  { file: 'public/screenshots/households-narrow.png', viewport: { width: 360, height: 740 }, path: '/households' },
  { file: 'public/screenshots/guide-wide.png', viewport: { width: 1280, height: 720 }, path: '/guides/vneid-level-1' },
];
const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
const page = await context.newPage();
await page.goto(base + '/settings');
await page.getByTestId('load-demo').click();
await page.waitForURL(base + '/');
await page.waitForTimeout(1500);
for (const s of shots) {
  await page.setViewportSize(s.viewport);
  await page.goto(base + s.path);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: s.file });
  console.log('wrote', s.file);
}
await browser.close();
