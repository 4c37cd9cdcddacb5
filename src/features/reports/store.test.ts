import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { saveMembership } from '../../sync/membership';
import { cachedReportSettings } from '../../db/reportData';
import { emptyIndicators, type Period } from '../../domain/indicators';
import type { ReportSettings, StoredReportSettings, SummaryResponse } from '../../domain/reportSettings';
import { SyncHttpError } from '../../sync/transport';
import { resetApp } from '../../../tests/unit/mountWithApp';
import { useMembershipStore } from '../team/store';
import type { ReportsApi } from '../../sync/reportsApi';
import { useReportsStore } from './store';

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
