import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { saveMembership } from '../../sync/membership';
import { cachedReportSettings, keptResult } from '../../db/reportData';
import * as reportData from '../../db/reportData';
import * as indicators from '../../domain/indicators';
import { db } from '../../db/database';
import { createVisit } from '../../db/visits';
import { applyPullPage } from '../../sync/pull';
import { fixtureRecords, FIXTURE_PERIOD, H } from '../../domain/indicators.fixture';
import { emptyIndicators, type Period } from '../../domain/indicators';
import type { ReportSettings, StoredReportSettings, SummaryResponse } from '../../domain/reportSettings';
import { SyncHttpError } from '../../sync/transport';
import { resetApp } from '../../../tests/unit/mountWithApp';
import { useMembershipStore } from '../team/store';
import type { ReportsApi } from '../../sync/reportsApi';
import { useReportsStore } from './store';
import { keptTeamKey } from './teamCounts';
import { openSeal, resetSeal } from '../../db/seal';
import { getMeta } from '../../db/meta';
import { META_KEYS } from '../../db/metaKeys';

function summaryOf(p: Period): SummaryResponse {
  const indicators = { ...emptyIndicators(), visits: Number(p.from.slice(5, 7)) };
  return { from: p.from, to: p.to, generatedAt: '2026-12-01T00:00:00.000Z', teams: [{ id: 't1', name: 'Tổ 1', indicators, byNeighborhood: [] }], total: { indicators } };
}

/** A server that answers as the routes do, recording what it was asked. */
function fakeApi(over: Partial<ReportsApi> = {}): ReportsApi & { asked: Period[]; saved: ReportSettings[] } {
  const asked: Period[] = [];
  const saved: ReportSettings[] = [];
  return {
    asked,
    saved,
    summary: async (p) => {
      asked.push(p);
      return summaryOf(p);
    },
    settings: async () => ({ indicators: ['visits'], targets: { visits: 40 }, updatedAt: '2026-11-30T00:00:00.000Z' }),
    saveSettings: async (s) => {
      saved.push(s);
      return { ...s, updatedAt: '2026-12-01T00:00:00.000Z' } satisfies StoredReportSettings;
    },
    ...over,
  };
}

beforeEach(async () => {
  await resetApp();
  setActivePinia(createPinia());
});
afterEach(() => resetApp());

async function asAdmin(): Promise<void> {
  await saveMembership({ token: 'tok', user: { id: 'u1', name: 'Cán bộ xã', role: 'admin' }, team: null, commune: { id: 'c1', name: 'Xã Tân Lập' }, joinedAt: '2026-12-01T00:00:00.000Z' });
  await useMembershipStore().load();
}

describe('useReportsStore for a commune admin', () => {
  it('asks the server for the chosen period and the 5 before it, oldest first', async () => {
    await asAdmin();
    const store = useReportsStore();
    const api = fakeApi();
    store.useApi(api);
    store.choose('month', { from: '2026-11-01', to: '2026-11-30' });
    await store.refresh();
    expect(api.asked.map((p) => p.from)).toEqual(['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01']);
    expect(store.commune?.trend.map((s) => s.total.indicators.visits)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(store.error).toBe('');
  });

  it('says it is offline when the server cannot be reached', async () => {
    await asAdmin();
    const store = useReportsStore();
    store.useApi(fakeApi({ summary: () => Promise.reject(new SyncHttpError(0, 'NETWORK', 'offline')) }));
    await store.refresh();
    expect(store.error).toBe('reports.offline');
  });
});

describe('useReportsStore settings', () => {
  it('keeps the server’s copy on the phone and falls back to it offline', async () => {
    const store = useReportsStore();
    store.useApi(fakeApi());
    await store.loadSettings();
    expect(store.settingsSource).toBe('server');
    expect(await cachedReportSettings()).toMatchObject({ indicators: ['visits'], targets: { visits: 40 } });

    setActivePinia(createPinia());
    const offline = useReportsStore();
    offline.useApi(fakeApi({ settings: () => Promise.reject(new SyncHttpError(0, 'NETWORK', 'offline')) }));
    await offline.loadSettings();
    expect(offline.settingsSource).toBe('device');
    expect(offline.settings.targets).toEqual({ visits: 40 });
  });

  it('without a copy, every indicator and no targets', async () => {
    const store = useReportsStore();
    store.useApi(fakeApi({ settings: () => Promise.reject(new SyncHttpError(0, 'NETWORK', 'offline')) }));
    await store.loadSettings();
    expect(store.settingsSource).toBe('default');
    expect(store.settings.indicators).toContain('householdsRegistered');
    expect(store.settings.targets).toEqual({});
  });

  it('saving sends the settings and keeps what the server answered', async () => {
    const store = useReportsStore();
    const api = fakeApi();
    store.useApi(api);
    await store.saveSettings({ indicators: ['adults', 'adultsVneidLevel2'], targets: { adultsVneidLevel2: 500 } });
    expect(api.saved).toEqual([{ indicators: ['adults', 'adultsVneidLevel2'], targets: { adultsVneidLevel2: 500 } }]);
    expect(store.settings).toMatchObject({ indicators: ['adults', 'adultsVneidLevel2'], updatedAt: '2026-12-01T00:00:00.000Z' });
    expect(await cachedReportSettings()).toMatchObject({ targets: { adultsVneidLevel2: 500 } });
  });
});

const TABLES = { household: 'households', member: 'members', visit: 'visits', session: 'sessions', checklistStep: 'checklistSteps' } as const;

/** The edge-case fixture as the phone holds it after a sync. */
async function seedFixture(): Promise<void> {
  const database = db();
  for (const r of fixtureRecords({ stepId: (m, k) => `${m}:${k}` })) {
    const row = { id: r.id, ...r.fields, version: 1, deleted: r.deleted ? 1 : 0, syncState: 'synced', localUpdatedAt: '2026-12-01T00:00:00Z', createdBy: 'u-' + r.by };
    await database.table(TABLES[r.entity]).put(row);
  }
}

/** A fresh page's store (new Pinia: nothing in memory) counting November. */
async function novemberFigures() {
  setActivePinia(createPinia());
  const store = useReportsStore();
  store.choose('month', { ...FIXTURE_PERIOD });
  await store.refresh();
  expect(store.error).toBe('');
  return store.team!;
}

/** A write to a counted table drops what was kept. */
async function keepNothing(): Promise<void> {
  await db().sessions.delete('none');
}

const NOVEMBER_KEY = keptTeamKey('month', FIXTURE_PERIOD);

describe('useReportsStore for a head', () => {
  beforeEach(seedFixture);

  it('counts the chosen period, the 5 before it and each member, then keeps them', async () => {
    const team = await novemberFigures();
    expect(team.counting).toBe(false);
    expect(team.trend.map((f) => f.period.from)).toEqual(['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01']);
    expect(team.trend.at(-1)!.indicators.visits).toBe(7);
    expect(team.byUser.map((u) => u.userId)).toEqual(['u-a', 'u-b']);
    expect(await keptResult(NOVEMBER_KEY)).toMatchObject({ trend: team.trend, byNeighborhood: team.byNeighborhood });
  });

  it('counts the previous period’s own report ahead, as a switch to it would', async () => {
    await novemberFigures();
    const ahead = await keptResult(keptTeamKey('month', { from: '2026-10-01', to: '2026-10-31' }));
    setActivePinia(createPinia());
    const store = useReportsStore();
    store.choose('month', { from: '2026-10-01', to: '2026-10-31' });
    // Counted from the records, not from what was kept: the same figures.
    await keepNothing();
    await store.refresh();
    expect(store.team!.trend.map((f) => f.period.from)).toEqual(['2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01']);
    expect(ahead).toEqual({ trend: store.team!.trend, byNeighborhood: store.team!.byNeighborhood, byUser: store.team!.byUser.map(({ userId, indicators }) => ({ userId, indicators })) });
  });

  it('shows the chosen period first, then the previous one beside it, then the rest', async () => {
    const store = useReportsStore();
    store.choose('month', { ...FIXTURE_PERIOD });
    const seen: { counting: boolean; trend: string[] }[] = [];
    store.$subscribe(() => {
      if (store.team) seen.push({ counting: store.team.counting, trend: store.team.trend.map((f) => f.period.from) });
    });
    await store.refresh();
    expect(seen[0]).toEqual({ counting: true, trend: ['2026-11-01'] });
    expect(seen[1]).toEqual({ counting: true, trend: ['2026-10-01', '2026-11-01'] });
    expect(seen.at(-1)).toEqual({ counting: false, trend: ['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01'] });
  });

  it('once the first figures are drawn, a task queued in that frame runs before the trend is counted', async () => {
    const passes = vi.spyOn(indicators, 'computeIndicators');
    const store = useReportsStore();
    store.choose('month', { ...FIXTURE_PERIOD });
    let passesAtTask: number | undefined;
    const stop = store.$subscribe(
      () => {
        // What an observer of the page does once the figures are in the DOM (a mutation observer's
        // microtask): wait for the frame, then a task.
        if (store.team?.counting && passesAtTask === undefined) {
          passesAtTask = -1;
          queueMicrotask(() => requestAnimationFrame(() => setTimeout(() => (passesAtTask = passes.mock.calls.length), 0)));
        }
      },
      { flush: 'sync' },
    );
    await store.refresh();
    stop();
    // The first figures are the chosen period's (counted with its neighborhoods); the previous
    // period and the four earlier ones after the task.
    expect(passesAtTask).toBe(0);
    expect(passes.mock.calls.length).toBeGreaterThanOrEqual(5);
  });

  it('a switch while the trend is still being counted puts that count off: the period chosen now has the page to itself, the first is kept after it', async () => {
    const kept: string[] = [];
    const keepResult = reportData.keepResult;
    vi.spyOn(reportData, 'keepResult').mockImplementation((token, key, value) => {
      kept.push(key);
      return keepResult(token, key, value);
    });
    const store = useReportsStore();
    store.choose('month', { ...FIXTURE_PERIOD });
    let switching = false;
    let switched: Promise<void> | undefined;
    const stop = store.$subscribe(
      () => {
        // November's first two periods are on screen; its trend is counted next.
        if (!switching && store.team?.counting) {
          switching = true;
          store.choose('month', { from: '2026-10-01', to: '2026-10-31' });
          switched = store.refresh();
        }
      },
      { flush: 'sync' },
    );
    await store.refresh();
    expect(switched).toBeDefined();
    await switched;
    stop();
    expect(store.team!.counting).toBe(false);
    expect(store.team!.trend.at(-1)!.period.from).toBe('2026-10-01');
    // October's figures, and the count ahead of its own previous period, came first; November's
    // count went on after them and was kept, as a page that had finished it would have.
    const october = keptTeamKey('month', { from: '2026-10-01', to: '2026-10-31' });
    expect(kept[0]).toBe(october);
    expect(kept.at(-1)).toBe(NOVEMBER_KEY);
    expect(await keptResult(october)).toBeDefined();
    expect(await keptResult(NOVEMBER_KEY)).toMatchObject({ trend: expect.arrayContaining([expect.objectContaining({ period: { ...FIXTURE_PERIOD } })]) });
    expect((await keptResult<{ trend: unknown[] }>(NOVEMBER_KEY))!.trend).toHaveLength(6);
  });

  it('a later page shows the kept figures at once while the records are unchanged', async () => {
    const counted = await novemberFigures();
    setActivePinia(createPinia());
    const store = useReportsStore();
    store.choose('month', { ...FIXTURE_PERIOD });
    const seen: boolean[] = [];
    store.$subscribe(() => {
      if (store.team) seen.push(store.team.counting);
    });
    await store.refresh();
    // Counting always shows the chosen period first with `counting`; the kept figures never do.
    expect(seen).not.toContain(true);
    expect(store.team!.trend).toEqual(counted.trend);
    expect(store.team!.byUser).toEqual(counted.byUser);
  });

  it('a local write makes the kept figures counted again', async () => {
    expect((await novemberFigures()).trend.at(-1)!.indicators.visits).toBe(7);
    expect(await keptResult(NOVEMBER_KEY)).toBeDefined();
    await createVisit({ householdId: H.h1, date: '2026-11-20', topics: ['vneid'], outcome: 'done' });
    expect(await keptResult(NOVEMBER_KEY)).toBeUndefined();
    expect((await novemberFigures()).trend.at(-1)!.indicators.visits).toBe(8);
  });

  it('while counting again after a change, the figures shown are marked; another period’s are hidden', async () => {
    const store = useReportsStore();
    store.choose('month', { ...FIXTURE_PERIOD });
    await store.refresh();
    await createVisit({ householdId: H.h1, date: '2026-11-20', topics: ['vneid'], outcome: 'done' });
    const seen: { outdated: boolean; visits: number | undefined }[] = [];
    const stop = store.$subscribe(() => seen.push({ outdated: store.team?.outdated === true, visits: store.team?.trend.at(-1)?.indicators.visits }));
    await store.refresh();
    expect(seen).toContainEqual({ outdated: true, visits: 7 });
    expect(seen.at(-1)).toEqual({ outdated: false, visits: 8 });

    await keepNothing();
    seen.length = 0;
    store.choose('month', { from: '2026-10-01', to: '2026-10-31' });
    await store.refresh();
    stop();
    expect(seen).toContainEqual({ outdated: false, visits: undefined });
    expect(seen).not.toContainEqual({ outdated: true, visits: 8 });
  });

  it('a pulled change makes the kept figures counted again', async () => {
    expect((await novemberFigures()).trend.at(-1)!.indicators.visits).toBe(7);
    const data = { householdId: H.h1, date: '2026-11-21', topics: ['vneid'], outcome: 'done', teamId: 't1', createdBy: 'u-b', updatedBy: 'u-b', updatedAt: '2026-11-21T03:00:00.000Z' };
    await applyPullPage({ changes: [{ entity: 'visit', id: crypto.randomUUID(), version: 1, deleted: false, data }], cursor: 'c1', hasMore: false, reset: false });
    expect((await novemberFigures()).trend.at(-1)!.indicators.visits).toBe(8);
  });

  it('with a PIN, keeps the records counted before counting the previous period ahead', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    const written: string[] = [];
    const watched: readonly unknown[] = [META_KEYS.reportKept, META_KEYS.reportRecords];
    const note = (key: unknown) => void (watched.includes(key) && written.push(key as string));
    const creating = (key: unknown) => note(key);
    const updating = (_: unknown, key: unknown) => note(key);
    db().meta.hook('creating', creating);
    db().meta.hook('updating', updating);
    try {
      await novemberFigures();
      // The chosen period's figures, then the records, then the previous period's figures.
      expect(written).toEqual([META_KEYS.reportKept, META_KEYS.reportRecords, META_KEYS.reportKept]);
    } finally {
      db().meta.hook('creating').unsubscribe(creating);
      db().meta.hook('updating').unsubscribe(updating);
      resetSeal();
    }
  });

  it('with a PIN, keeps the records counted and, after a local write and a pull, reads only those rows again', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    try {
      expect((await novemberFigures()).trend.at(-1)!.indicators.visits).toBe(7);
      expect(await getMeta(META_KEYS.reportRecords)).toBeDefined();
      expect(await getMeta(META_KEYS.reportChanges)).toEqual({ ids: {} });
      await createVisit({ householdId: H.h1, date: '2026-11-20', topics: ['vneid'], outcome: 'done' });
      const id = crypto.randomUUID();
      const data = { householdId: H.h1, date: '2026-11-21', topics: ['vneid'], outcome: 'done', teamId: 't1', createdBy: 'u-b', updatedBy: 'u-b', updatedAt: '2026-11-21T03:00:00.000Z' };
      await applyPullPage({ changes: [{ entity: 'visit', id, version: 1, deleted: false, data }], cursor: 'c1', hasMore: false, reset: false });
      expect((await getMeta<{ ids: Record<string, string[]> }>(META_KEYS.reportChanges))!.ids.visits).toContain(id);
      expect((await novemberFigures()).trend.at(-1)!.indicators.visits).toBe(9);
      // Kept again with the rows read: the next count reads none.
      expect(await getMeta(META_KEYS.reportChanges)).toEqual({ ids: {} });
    } finally {
      resetSeal();
    }
  });
});
