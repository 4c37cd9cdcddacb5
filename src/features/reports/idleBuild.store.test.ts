import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { saveMembership } from '../../sync/membership';
import { db } from '../../db/database';
import { META_KEYS } from '../../db/metaKeys';
import { openSeal, resetSeal } from '../../db/seal';
import { fixtureRecords } from '../../domain/indicators.fixture';
import { resetApp } from '../../../tests/unit/mountWithApp';
import { useMembershipStore } from '../team/store';
import { useLockStore } from '../lock/store';
import { useSyncStore } from '../sync/store';
import { holdReportBuild, scheduleReportBuild } from './idleBuild';
import { keptResult } from '../../db/reportData';
import * as indicators from '../../domain/indicators';
import { periodContaining } from '../../domain/periods';
import { localToday } from '../../domain/dates';
import { keptTeamKey, type TeamCounts } from './teamCounts';
import { useReportsStore } from './store';

const TABLES = { household: 'households', member: 'members', visit: 'visits', session: 'sessions', checklistStep: 'checklistSteps' } as const;

async function seed(role: 'head' | 'member', pin = true): Promise<void> {
  await saveMembership({ token: 'tok', user: { id: 'u1', name: 'Trưởng thôn Bình', role }, team: { id: 't1', name: 'Tổ 3' }, joinedAt: '2026-12-01T00:00:00.000Z' });
  await useMembershipStore().load();
  // Without a key here, the rows are written in the clear and sealed when a PIN is set.
  if (pin) openSeal(crypto.getRandomValues(new Uint8Array(32)));
  for (const r of fixtureRecords({ stepId: (m, k) => `${m}:${k}` })) {
    await db()
      .table(TABLES[r.entity])
      .put({ id: r.id, ...r.fields, version: 1, deleted: r.deleted ? 1 : 0, syncState: 'synced', localUpdatedAt: '2026-12-01T00:00:00Z', createdBy: 'u-' + r.by });
  }
}

const kept = async () => (await db().meta.get(META_KEYS.reportRecords)) !== undefined;

beforeEach(async () => {
  await resetApp();
  // A PIN set by an earlier test would leave this one's phone locked.
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(async () => {
  vi.unstubAllGlobals();
  resetSeal();
  await resetApp();
});

describe('the dashboard records built in idle time', () => {
  it('are built on a head’s phone when none are kept, once at a time', async () => {
    await seed('head');
    const first = scheduleReportBuild();
    expect(scheduleReportBuild()).toBe(first);
    expect(await first).toBe(true);
    expect(await kept()).toBe(true);
  });

  it('come with the figures the dashboard opens on, which it then shows without counting', async () => {
    await seed('head');
    expect(await scheduleReportBuild()).toBe(true);
    const figures = await keptResult<TeamCounts>(keptTeamKey('month', periodContaining('month', localToday())));
    expect(figures?.trend).toHaveLength(6);
    expect(figures?.trend.at(-1)!.indicators.householdsRegistered).toBeGreaterThan(0);
    const passes = vi.spyOn(indicators, 'computeTeamIndicators');
    const opened = useReportsStore();
    await opened.refresh();
    expect(passes).not.toHaveBeenCalled();
    expect(opened.team?.trend).toEqual(figures!.trend);
    // A write: the dashboard counts every row itself, and finds the same figures.
    await db().sessions.delete('none');
    setActivePinia(createPinia());
    const counted = useReportsStore();
    await counted.refresh();
    expect(passes).toHaveBeenCalled();
    const { trend, byNeighborhood, byUser } = counted.team!;
    expect({ trend, byNeighborhood, byUser: byUser.map(({ userId, indicators }) => ({ userId, indicators })) }).toEqual(figures);
  });

  it('wait while the dashboard is open: it keeps its own', async () => {
    await seed('head');
    const release = holdReportBuild();
    expect(await scheduleReportBuild()).toBe(false);
    expect(await kept()).toBe(false);
    release();
    release();
    expect(await scheduleReportBuild()).toBe(true);
  });

  it('are not built on a member’s phone: members have no dashboard', async () => {
    await seed('member');
    expect(await scheduleReportBuild()).toBe(false);
    expect(await kept()).toBe(false);
  });

  it('start after the unlock, offline too (the sync then does nothing)', { timeout: 60_000 }, async () => {
    await seed('head', false);
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'offline' });
    await useLockStore().setPin('482916');
    await db().visits.put({ ...(await db().visits.toCollection().first())!, outcome: 'done' });
    // The app starts again, locked: the unlock starts the build.
    setActivePinia(createPinia());
    await useMembershipStore().load();
    const lock = useLockStore();
    expect(lock.locked).toBe(true);
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'offline' });
    expect(await kept()).toBe(false);
    expect(await lock.unlock('482916')).toBeUndefined();
    await vi.waitFor(async () => expect(await kept()).toBe(true), { timeout: 30_000, interval: 100 });
  });
});

describe('a sync that ends idle', () => {
  it('starts the build on a head’s phone', { timeout: 60_000 }, async () => {
    await seed('head');
    const fetch = vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      const body = url.includes('/api/sync/pull') ? { changes: [], cursor: 'c1', hasMore: false, reset: false } : url.includes('/api/team') ? { team: { id: 't1', name: 'Tổ 3' }, users: [], devices: [] } : {};
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetch);
    expect((await useSyncStore().syncNow()).phase).toBe('idle');
    await vi.waitFor(async () => expect(await kept()).toBe(true), { timeout: 30_000, interval: 100 });
    useSyncStore().stop();
  });
});
