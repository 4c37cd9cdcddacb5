// Shared by the accessibility browser tests (tests/e2e/a11y/*.e2e.ts): devices, content, axe.
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { localDate } from '../support';
import { fillHouseholdWithTwoMembers, recordConsent } from '../../support/consent';
import { joinTeam } from '../../support/join';
import { navigateInApp } from '../../support/navigate';

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface Device {
  context: BrowserContext;
  page: Page;
}

export async function newDevice(browser: Browser): Promise<Device> {
  // The server's Content-Security-Policy forbids inline scripts; axe-core is injected as one.
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN', bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('pageerror:', err.message));
  return { context, page };
}

/** Joins a team with an invite code and sets the app-lock PIN, as in tests/e2e/sync. */
export { joinTeam };

export async function syncNow(page: Page, url: string): Promise<void> {
  await navigateInApp(page, url, '/');
  await page.getByTestId('sync-now').click();
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="sync-text"]')?.textContent ?? '';
    return /^(Đã đồng bộ|Synced)/.test(text) && !document.querySelector('[data-testid="waiting-count"]');
  });
}

export interface Household {
  id: string;
  memberIds: string[];
}

/** Registers a household with two members through the UI; returns its id and its members' ids. */
export async function registerHousehold(page: Page, url: string, headName = 'Nguyễn Văn Bình'): Promise<Household> {
  await navigateInApp(page, url, '/households/new');
  await recordConsent(page, { purposes: ['support', 'followUp'], recorder: 'Lê Thị Mai' });
  await fillHouseholdWithTwoMembers(page, { headName, phone: '0912345678' });
  await page.getByTestId('household-title').waitFor();
  await page.getByTestId('member-list').locator('li').nth(1).waitFor();
  const id = new URL(page.url()).pathname.split('/')[2]!;
  const hrefs = await page.getByTestId('member-list').locator('a.list-link').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return { id, memberIds: hrefs.map((h) => h.split('/')[2]!) };
}

/** Logs a VNeID visit with a follow-up today; returns the visit's id. */
export async function logVisit(page: Page, url: string, householdId: string): Promise<string> {
  await navigateInApp(page, url, `/households/${householdId}/visits/new`);
  await page.getByTestId('visit-member-Trần Thị Hoa').check();
  await page.locator('input[name="visit-topics"][value="vneid"]').check();
  await page.getByTestId('outcome-followUp').check();
  await page.getByTestId('visit-followup').fill(localDate());
  await page.getByTestId('visit-notes').fill('Chưa có SIM chính chủ, hẹn hôm sau');
  await page.getByTestId('save-visit').click();
  await page.getByTestId('visit-history').locator('li').first().waitFor();
  const href = (await page.getByTestId('visit-history').locator('a').first().getAttribute('href')) ?? '';
  return href.split('/')[2]!;
}

export async function recordSession(page: Page, url: string): Promise<void> {
  await navigateInApp(page, url, '/sessions/new');
  await page.getByTestId('session-place').fill('Nhà văn hóa thôn Đông');
  await page.locator('input[name="session-topics"][value="scamAwareness"]').check();
  await page.getByTestId('session-attendees').fill('32');
  await page.getByTestId('result-scamTraining').fill('30');
  await page.getByTestId('save-session').click();
  await page.getByTestId('session-list').locator('li').first().waitFor();
}

/**
 * Opens a page of the app and waits until its heading and its content are there. It moves inside
 * the running app; `{ load: true }` loads the page instead, which a test needs after changing what
 * the app reads when it starts (the language, large text).
 */
export async function open(page: Page, url: string, path: string, ready?: string, options: { load?: boolean } = {}): Promise<void> {
  if (options.load) await page.goto(url + path);
  else await navigateInApp(page, url, path);
  await page.locator('main h1').first().waitFor();
  if (ready) await page.locator(ready).first().waitFor();
  // Screens that load their data show "loading" in a status line until it is there.
  await page.waitForFunction(() => ![...document.querySelectorAll('main [role="status"]')].some((e) => /^(Đang tải|Loading)/.test(e.textContent?.trim() ?? '')));
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** Runs axe-core on the whole document at WCAG 2.2 AA; returns the violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async (tags) => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300) })),
    }));
  }, AXE_TAGS);
  // axe-core measures targets where they are now and treats `position: sticky` as static
  // (dequelabs/axe-core#3720): a checkbox that the sticky Save bar happens to cover at this scroll
  // position is reported as obscured. Such a target is checked again once scrolled clear of it.
  const result: AxeViolation[] = [];
  for (const v of violations) {
    if (v.id !== 'target-size') {
      result.push(v);
      continue;
    }
    const nodes: AxeViolation['nodes'] = [];
    for (const n of v.nodes) {
      const stillFails = await page.evaluate(async (selector) => {
        const el = document.querySelector(selector);
        if (!el) return true;
        const before = window.scrollY;
        el.scrollIntoView({ block: 'center' });
        const w = window as unknown as { axe: { run(ctx: Element, opts: unknown): Promise<{ violations: unknown[] }> } };
        const r = await w.axe.run(el, { runOnly: { type: 'rule', values: ['target-size'] }, resultTypes: ['violations'] });
        window.scrollTo(0, before);
        return r.violations.length > 0;
      }, n.target);
      if (stillFails) nodes.push(n);
    }
    if (nodes.length) result.push({ ...v, nodes });
  }
  return result;
}

export function formatViolations(label: string, violations: AxeViolation[]): string {
  return violations
    .map((v) => `[${label}] ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target} — ${n.summary}`).join('\n')}`)
    .join('\n');
}

/** Collects axe results over many screens and fails once, listing every violation. */
export class AxeReport {
  private lines: string[] = [];
  checked: string[] = [];
  constructor(private page: Page) {}

  async check(label: string): Promise<void> {
    const violations = await axe(this.page);
    this.checked.push(label);
    if (violations.length) this.lines.push(formatViolations(label, violations));
  }

  assertClean(): void {
    expect(this.lines.join('\n'), `axe violations on ${this.lines.length} of ${this.checked.length} screens`).toBe('');
  }
}

export interface TeamContent {
  head: Device;
  household: Household;
  visitId: string;
}

/**
 * The head of a team on a phone with real content: a household with two members, a visit with a
 * follow-up today, a session, and a sync conflict waiting in "Needs attention" (a second device
 * changed the phone number while the head's phone was offline and changed it too).
 */
export async function teamWithContent(browser: Browser, server: { url: string; newTeam(): Promise<{ headCode: string; memberCode(): Promise<string> }> }): Promise<TeamContent> {
  const url = server.url;
  const team = await server.newTeam();
  const head = await newDevice(browser);
  await joinTeam(head.page, url, team.headCode, 'Trưởng thôn Hùng');
  const household = await registerHousehold(head.page, url);
  const visitId = await logVisit(head.page, url, household.id);
  await recordSession(head.page, url);
  await syncNow(head.page, url);

  const member = await newDevice(browser);
  await joinTeam(member.page, url, await team.memberCode(), 'Đoàn viên Lan');
  await syncNow(member.page, url);
  await head.context.setOffline(true);
  await navigateInApp(member.page, url, `/households/${household.id}/edit`);
  await member.page.getByTestId('hh-phone').fill('0922222222');
  await member.page.locator('form button[type="submit"]').click();
  await member.page.getByTestId('household-title').waitFor();
  await syncNow(member.page, url);
  await member.context.close();

  await navigateInApp(head.page, url, `/households/${household.id}/edit`);
  await head.page.getByTestId('hh-phone').fill('0911111111');
  await head.page.locator('form button[type="submit"]').click();
  await head.page.getByTestId('household-title').waitFor();
  await head.context.setOffline(false);
  await navigateInApp(head.page, url, '/');
  await head.page.getByTestId('sync-now').click();
  await head.page.getByTestId('attention-link').first().waitFor();
  return { head, household, visitId };
}
