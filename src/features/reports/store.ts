/**
 * The dashboards' state. A head's figures are computed on the phone from its own records (offline,
 * the same code as the server); an admin's come from the summary route. The commune's indicator
 * list and targets come from the server when online, else from the copy kept on the phone.
 */
import { defineStore } from 'pinia';
import { computed, readonly, ref, shallowRef } from 'vue';
import type { Subscription } from 'dexie';
import {
  computeIndicators,
  computeTeamIndicators,
  indicatorsByUser,
  type Indicators,
  type NeighborhoodIndicators,
  type Period,
  type ReportData,
  type UserIndicators,
} from '../../domain/indicators';
import { periodContaining, trailingPeriods, type PeriodKind } from '../../domain/periods';
import { defaultReportSettings, type ReportSettings, type StoredReportSettings, type SummaryResponse } from '../../domain/reportSettings';
import { localToday } from '../../domain/dates';
import { useMembershipStore } from '../team/store';
import { reportsApi, type ReportsApi } from '../../sync/reportsApi';

export const TREND_PERIODS = 6;

export interface PeriodFigures {
  period: Period;
  indicators: Indicators;
}

export interface TeamReport {
  /** Oldest first; the last one is the chosen period, the one before it the previous period. */
  trend: PeriodFigures[];
  byNeighborhood: NeighborhoodIndicators[];
  byUser: (UserIndicators & { name: string })[];
}

export interface CommuneReport {
  /** The summaries of the last periods, oldest first; the last one is the chosen period. */
  trend: SummaryResponse[];
}

export type SettingsSource = 'server' | 'device' | 'default';

// The database code loads with this page, not with the app's first screen.
const repo = async () => {
  const [reportData, counts, users, { liveQuery }] = await Promise.all([
    import('../../db/reportData'),
    import('../../sync/outboxCounts'),
    import('../../db/users'),
    import('dexie'),
  ]);
  return { ...reportData, ...counts, ...users, liveQuery };
};

export const useReportsStore = defineStore('reports', () => {
  const membership = useMembershipStore();
  let api: ReportsApi = reportsApi({ token: () => membership.membership?.token });

  const kind = ref<PeriodKind>('month');
  const period = ref<Period>(periodContaining('month', localToday()));
  const settings = shallowRef<StoredReportSettings>({ ...defaultReportSettings(), updatedAt: null });
  const settingsSource = ref<SettingsSource>('default');
  const team = shallowRef<TeamReport>();
  const commune = shallowRef<CommuneReport>();
  const pending = ref(0);
  const busy = ref(false);
  /** An i18n key when the last load failed. */
  const error = ref('');
  let data: ReportData | undefined;
  let names = new Map<string, string>();
  let pendingSub: Subscription | undefined;

  const isAdmin = computed(() => membership.membership?.user.role === 'admin');
  const periods = computed(() => trailingPeriods(kind.value, period.value, TREND_PERIODS));

  function choose(next: PeriodKind, p: Period): void {
    kind.value = next;
    period.value = p;
  }

  function computeTeam(): void {
    if (!data) return;
    const d = data;
    const current = computeTeamIndicators(d, period.value);
    // The last of the trend's periods is the chosen one, already counted.
    const trend = periods.value.map((p, i, all) => ({ period: p, indicators: i === all.length - 1 ? current.indicators : computeIndicators(d, p) }));
    const byUser = indicatorsByUser(d, period.value).map((u) => ({ ...u, name: names.get(u.userId) ?? '' }));
    team.value = { trend, byNeighborhood: current.byNeighborhood, byUser };
  }

  /** The head's figures from the phone's records; `reload` reads the records again. */
  async function loadTeam(reload = true): Promise<void> {
    busy.value = true;
    error.value = '';
    try {
      const r = await repo();
      if (reload || !data) {
        [data, names] = await Promise.all([r.loadReportData(), r.roster().then((rows) => new Map(rows.map((u) => [u.id, u.name])))]);
      }
      computeTeam();
    } catch {
      error.value = 'reports.loadFailed';
    } finally {
      busy.value = false;
    }
  }

  /** The admin's figures: every team of the commune, from the server. */
  async function loadCommune(): Promise<void> {
    busy.value = true;
    error.value = '';
    try {
      commune.value = { trend: await Promise.all(periods.value.map((p) => api.summary(p))) };
    } catch (e) {
      error.value = (e as { status?: number }).status === 0 ? 'reports.offline' : 'reports.loadFailed';
    } finally {
      busy.value = false;
    }
  }

  async function loadSettings(): Promise<void> {
    const r = await repo();
    try {
      const s = await api.settings();
      settings.value = s;
      settingsSource.value = 'server';
      await r.cacheReportSettings(s);
    } catch {
      const cached = await r.cachedReportSettings();
      if (cached) {
        settings.value = cached;
        settingsSource.value = 'device';
      }
    }
  }

  async function saveSettings(next: ReportSettings): Promise<void> {
    const s = await api.saveSettings(next);
    settings.value = s;
    settingsSource.value = 'server';
    await (await repo()).cacheReportSettings(s);
  }

  /** Follows the changes waiting on this phone: they are not in the commune's figures yet. */
  async function watchPending(): Promise<void> {
    if (pendingSub) return;
    const r = await repo();
    pendingSub = r.liveQuery(async () => (await r.pendingCount()) + (await r.attentionCount())).subscribe((n) => (pending.value = n));
  }

  function stop(): void {
    pendingSub?.unsubscribe();
    pendingSub = undefined;
  }

  /** Recomputes for the chosen period: on the phone for a head, from the server for an admin. */
  function refresh(reload = false): Promise<void> {
    return isAdmin.value ? loadCommune() : loadTeam(reload);
  }

  /** Tests drive the store against an in-process server. */
  function useApi(next: ReportsApi): void {
    api = next;
  }

  return {
    kind: readonly(kind),
    period: readonly(period),
    periods,
    settings: readonly(settings),
    settingsSource: readonly(settingsSource),
    team: readonly(team),
    commune: readonly(commune),
    pending: readonly(pending),
    busy: readonly(busy),
    error: readonly(error),
    isAdmin,
    choose,
    loadTeam,
    loadCommune,
    loadSettings,
    saveSettings,
    watchPending,
    stop,
    refresh,
    useApi,
  };
});
