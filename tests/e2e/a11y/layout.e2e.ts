// Small screens, large text and zoom: on a 360×800 phone, the same with large text on, and at 200 %
// zoom, no screen scrolls sideways and every control on it is at least 44×44 CSS px.
//
// 200 % zoom: browser zoom shrinks the CSS viewport (a 640×360 landscape phone at 200 % lays
// pages out in 320×180 CSS px); the device pixel ratio changes only how sharp it is drawn, not
// the layout or any size in CSS px, so a 320×180 viewport measures exactly what zoom does.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTests } from '../support';
import { open, teamWithContent, type TeamContent } from './helpers';
import { recordConsent } from '../../support/consent';

const TAP = 44;

const e2e = browserTests('app');
let team: TeamContent;

beforeAll(async () => {
  team = await teamWithContent(e2e.browser, e2e.server);
}, 300_000);

interface Screen {
  name: string;
  path: string;
  ready?: string;
  /** Gets the screen into the state to measure (a form after consent, a dialog, a QR code). */
  then?: (page: Page) => Promise<void>;
}

function screens(): Screen[] {
  const h = team.household.id;
  const [headMember, otherMember] = team.household.memberIds;
  return [
    { name: 'Today', path: '/', ready: '[data-testid="followups-dueToday"]' },
    { name: 'households', path: '/households', ready: '[data-testid="household-list"][data-complete="true"] li' },
    { name: 'consent', path: '/households/new', ready: '[data-testid="consent-step"]' },
    {
      name: 'new household form',
      path: '/households/new',
      ready: '[data-testid="consent-step"]',
      then: async (page) => {
        await recordConsent(page);
        await page.getByTestId('add-member').click();
        await page.getByTestId('m0-fullName').waitFor();
      },
    },
    { name: 'household', path: `/households/${h}`, ready: '[data-testid="visit-history"] li' },
    {
      name: 'delete household dialog',
      path: `/households/${h}`,
      ready: '[data-testid="delete-household"]',
      then: async (page) => {
        await page.getByTestId('delete-household').click();
        await page.locator('dialog[open]').waitFor();
      },
    },
    { name: 'household edit', path: `/households/${h}/edit`, ready: '[data-testid="hh-headName"]' },
    { name: 'member add', path: `/households/${h}/members/new`, ready: '[data-testid="save-member"]' },
    { name: 'member edit', path: `/members/${otherMember}/edit`, ready: '[data-testid="save-member"]' },
    {
      name: 'visit form',
      path: `/households/${h}/visits/new`,
      ready: '[data-testid="visit-member-Trần Thị Hoa"]',
      then: async (page) => {
        await page.getByTestId('visit-member-Trần Thị Hoa').check();
        await page.locator('input[name="visit-topics"][value="vneid"]').check();
        await page.getByTestId('topic-help').waitFor();
      },
    },
    { name: 'visit edit', path: `/visits/${team.visitId}/edit`, ready: '[data-testid="visit-form"]' },
    { name: 'sessions', path: '/sessions', ready: '[data-testid="session-list"] li' },
    { name: 'new session', path: '/sessions/new', ready: '[data-testid="session-form"] input[name="session-topics"]' },
    { name: 'settings', path: '/settings', ready: '[data-testid="lang-vi"]' },
    { name: 'guides', path: '/guides', ready: '[data-testid="guide-list"] li' },
    {
      name: 'guide with QR',
      path: '/guides/vneid-level-1',
      ready: '[data-testid="step-card"]',
      then: async (page) => {
        await page.getByTestId('show-qr').click();
        await page.locator('[data-testid="guide-qr"] svg.qr').waitFor();
      },
    },
    {
      name: 'checklist',
      path: `/members/${headMember}/checklist`,
      ready: '[data-testid="checklist-title"]',
      then: async (page) => {
        await page.locator('details.problems').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
      },
    },
    { name: 'join', path: '/join', ready: '[data-testid="join-form"]' },
    {
      name: 'team with an invite',
      path: '/',
      ready: '[data-testid="sync-now"]',
      then: async (page) => {
        // In-app navigation: the team page reads its list once the device's session is known.
        await page.locator('main a[href="/team"]').first().click();
        await page.locator('[data-testid="team-users"] li').first().waitFor();
        await page.getByTestId('create-invite').click();
        await page.getByTestId('invite-result').locator('svg.qr').waitFor();
      },
    },
    { name: 'attention', path: '/attention', ready: '[data-testid="attention-conflict"]' },
    { name: '404', path: '/no-such-page' },
  ];
}

interface Measure {
  scrollWidth: number;
  innerWidth: number;
  small: string[];
  /** The share of the screen's height under bars that stay put (fixed or sticky) as the page scrolls. */
  covered: number;
}

/** Sideways overflow, and the controls on the page smaller than 44×44 CSS px. */
function measure(page: Page): Promise<Measure> {
  return page.evaluate((tap) => {
    const small: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('a, button, input, select, summary, [role="button"]');
    for (const el of controls) {
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      // Off-screen until focused (the skip link), or not drawn at all.
      if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= innerWidth) continue;
      // Links inside running text are exempt (WCAG 2.5.8 "inline").
      if (el.tagName === 'A' && el.closest('p, .bullets li')) continue;
      // A checkbox or radio button counts with its label, which is the tap target.
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
        const label = el.closest('label')?.getBoundingClientRect();
        if (label && label.height >= tap - 0.5 && label.width >= tap - 0.5) continue;
      }
      if (r.width >= tap - 0.5 && r.height >= tap - 0.5) continue;
      const name = (el.getAttribute('aria-label') || el.textContent || (el as HTMLInputElement).name || el.getAttribute('type') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const testid = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
      small.push(`${el.tagName.toLowerCase()}${testid}.${[...el.classList].join('.')} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    let covered = 0;
    const samples = Math.floor(innerHeight / 2);
    for (let i = 0; i < samples; i++) {
      let el = document.elementFromPoint(innerWidth / 2, i * 2 + 1);
      while (el && !['fixed', 'sticky'].includes(getComputedStyle(el).position)) el = el.parentElement;
      if (el) covered++;
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, small, covered: covered / samples };
  }, TAP);
}

const configs = [
  { name: '360×800', width: 360, height: 800, largeText: false },
  { name: '360×800 large text', width: 360, height: 800, largeText: true },
  { name: '200 % zoom (640×360 → 320×180 CSS px)', width: 320, height: 180, largeText: false },
];

describe('small screens, large text and zoom', () => {
  for (const config of configs) {
    it(`${config.name}: no sideways scrolling, every control at least ${TAP}×${TAP} px`, async () => {
      const { page } = team.head;
      await page.setViewportSize({ width: config.width, height: config.height });
      await page.evaluate((on) => localStorage.setItem('cds.largeText', on ? '1' : '0'), config.largeText);
      const problems: string[] = [];
      try {
        for (const [i, s] of screens().entries()) {
          // The first screen is loaded, for the text size to take effect; the others are reached inside the app.
          await open(page, e2e.server.url, s.path, s.ready, { load: i === 0 });
          await s.then?.(page);
          expect(await page.evaluate(() => document.documentElement.classList.contains('large-text'))).toBe(config.largeText);
          const m = await measure(page);
          if (m.scrollWidth > m.innerWidth + 1) problems.push(`[${s.name}] scrolls sideways: ${m.scrollWidth} px of content in ${m.innerWidth} px`);
          for (const el of m.small) problems.push(`[${s.name}] small target: ${el}`);
          // Bars that stay on screen leave at least two thirds of it for the page (dialogs aside).
          if (m.covered > 1 / 3 && !(await page.locator('dialog[open]').count())) problems.push(`[${s.name}] fixed and sticky bars cover ${Math.round(m.covered * 100)} % of the screen`);
          // A11Y_SHOTS=<folder>: a screenshot of each screen, to look at by eye.
          if (process.env.A11Y_SHOTS) await page.screenshot({ path: `${process.env.A11Y_SHOTS}/${config.width}x${config.height}${config.largeText ? '-large' : ''}-${s.name.replace(/\W+/g, '_')}.png`, fullPage: false });
          if (s.then) await page.keyboard.press('Escape');
        }
      } finally {
        await page.evaluate(() => localStorage.setItem('cds.largeText', '0'));
        await page.setViewportSize({ width: 360, height: 800 });
      }
      expect(problems.join('\n'), `${config.name}: ${problems.length} problems`).toBe('');
    });
  }
});
