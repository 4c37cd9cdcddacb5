/**
 * A phone joining a team with data: while its first sync is still bringing the rest, the
 * household list shows what has arrived and search finds it, with the progress bar up. The
 * server's pages after the first are held back (the browser's requests wait for the test) so
 * "during the sync" does not depend on how fast the machine is.
 */
import { describe, expect, it } from 'vitest';
import { browserTests } from '../support';
import type { Route } from 'playwright-core';
import { joinTeam } from '../../support/join';
import { generateDemoData } from '../../../src/features/demo/generate';
import { pushedFields } from '../../bench/syncServer';
import type { EntityName } from '../../../src/domain/vocab';

const e2e = browserTests('app');

const EARLY = 'Hoàng Thị Mận';
const LATE = 'Vương Văn Sáu';

/**
 * Writes a team's records straight into the server (as the benchmark's seed does), in server
 * order: neighborhoods, households, members. Household 5 (first page) and the last household
 * (a later page) get names no generated household has.
 */
async function seedRecords(teamId: string): Promise<number> {
  const data = generateDemoData({ households: 1200, membersPerHousehold: 1, visits: 0, sessions: 0 }, { seed: 16, synced: true });
  const rows: { entity: EntityName; id: string; data: Record<string, unknown> }[] = [];
  const add = (entity: EntityName, list: readonly { id: string }[]) => {
    for (const r of list) rows.push({ entity, id: r.id, data: pushedFields(entity, r) });
  };
  add('neighborhood', data.neighborhoods);
  add('household', data.households);
  add('member', data.members);
  const households = rows.filter((r) => r.entity === 'household');
  households[5]!.data.headName = EARLY;
  households[households.length - 1]!.data.headName = LATE;
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const params: unknown[] = [teamId];
    const tuples = chunk.map((r, i) => {
      const p = 2 + i * 5;
      params.push(r.id, r.entity, JSON.stringify(r.data), JSON.stringify(Object.fromEntries(Object.keys(r.data).map((k) => [k, 1]))), start + i + 1);
      return `($1, $${p}, $${p + 1}, 1, false, $${p + 2}, $${p + 3}, $${p + 4})`;
    });
    await e2e.server.db.query(`insert into records (team_id, id, entity, version, deleted, data, field_versions, server_seq) values ${tuples.join(', ')}`, params);
  }
  await e2e.server.db.query('update team_counters set last_seq = $2 where team_id = $1', [teamId, rows.length]);
  return households.length;
}

describe('a first sync', () => {
  it('leaves the household list usable before it ends: first rows shown, search on what has arrived, the bar up', async () => {
    const team = await e2e.server.newTeam();
    const householdCount = await seedRecords(team.teamId);

    // No service worker: the page's own requests are the ones held back here.
    const context = await e2e.browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN', serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('pageerror:', err.message));
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    let pulls = 0;
    await context.route('**/api/sync/pull?*', async (route: Route) => {
      // The first page (from the beginning, with the total) goes through; the rest wait.
      if (++pulls > 1) await released;
      await route.continue();
    });

    await joinTeam(page, e2e.server.url, team.headCode, 'Trưởng thôn Hùng');
    // The header's bar, on every screen.
    const bar = page.getByRole('banner').getByTestId('sync-progress');
    await bar.waitFor();
    // In the app (no reload, which would start the sync again): the list shows the first page.
    await page.locator('nav a[href="/households"]').click();
    await page.waitForSelector('[data-testid="household-list"][data-complete="true"] li');
    const firstCount = Number(await page.getByTestId('household-list').getAttribute('data-count'));
    expect(firstCount).toBeGreaterThan(0);
    expect(firstCount).toBeLessThan(householdCount);

    await page.getByTestId('household-search').fill('hoang thi man');
    await page.waitForSelector('[data-testid="household-list"][data-query="hoang thi man"][data-count="1"]');
    expect(await page.getByTestId('household-list').textContent()).toContain(EARLY);
    await page.getByTestId('household-search').fill('vuong van sau');
    // An empty list has no height: waited for in the DOM, not on screen.
    await page.waitForSelector('[data-testid="household-list"][data-query="vuong van sau"][data-count="0"][data-complete="true"]', { state: 'attached' });
    // Still syncing: the bar shows how far, of the team's total.
    expect(await bar.isVisible()).toBe(true);
    expect(await bar.getByTestId('sync-progress-text').textContent()).toMatch(/\d/);
    expect(pulls).toBe(2);

    // The rest arrives: the household from a later page is found, and the bar goes.
    release();
    await page.waitForSelector('[data-testid="household-list"][data-query="vuong van sau"][data-count="1"]');
    await bar.waitFor({ state: 'detached' });
    await page.getByTestId('household-search').fill('');
    await page.waitForSelector(`[data-testid="household-list"][data-query=""][data-count="${householdCount}"]`);
    await context.close();
  });
});
