/**
 * The dashboards' state. A head's figures are computed on the phone from its own records (offline,
 * the same code as the server); an admin's come from the summary route. The commune's indicator
 * list and targets come from the server when online, else from the copy kept on the phone.
 */
import { defineStore } from 'pinia';
import { computed, readonly, ref, shallowReadonly, shallowRef } from 'vue';
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
import type { DataToken } from '../../db/reportData';
import { holdReportBuild } from './idleBuild';
import { holdWarming } from '../../db/sealStored';
import { keptTeamKey, TREND_PERIODS, type PeriodFigures, type TeamCounts } from './teamCounts';


export interface TeamReport extends Omit<TeamCounts, 'byUser'> {
  byUser: (UserIndicators & { name: string })[];
  /**
   * The chosen period is shown first, then the previous one; while this is true, the other trend
   * periods and the per-member figures are still being counted (and `trend` holds only those).
   */
  counting: boolean;
  /** Counted before the records last changed: shown, marked, while they are counted again. */
  outdated?: boolean;
}

export interface CommuneReport {
  /** The summaries of the last periods, oldest first; the last one is the chosen period. */
  trend: SummaryResponse[];
}

export type SettingsSource = 'server' | 'device' | 'default';

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Resolves once what was just shown has been drawn: after the next frame (a task queued before it
 * would run first, and hold the frame back), or after a moment when the page draws no frames
 * (hidden), so that counting goes on all the same.
 */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      setTimeout(resolve, 0);
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(go);
    setTimeout(go, 100);
  });
}

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
  let data: (ReportData & { token: DataToken }) | undefined;
  /** Each period's indicators counted from `data`, so a switch recounts only the new periods. */
  const counted = new Map<string, Indicators>();
  /** The full figures counted from `data`, by kind and period. */
  const countedTeams = new Map<string, TeamCounts>();
  let reading: Promise<ReportData & { token: DataToken }> | undefined;
  /** Only the latest load may show its figures. */
  let generation = 0;
  /** The latest load, until it has finished: the loads it superseded wait for it. */
  let latestLoad: Promise<void> = Promise.resolve();
  let names = new Map<string, string>();
  let pendingSub: Subscription | undefined;
  /** While the page is open it keeps the records it counts: no build in idle time meanwhile. */
  let releaseBuild: (() => void) | undefined;

  const isAdmin = computed(() => membership.membership?.user.role === 'admin');
  const periods = computed(() => trailingPeriods(kind.value, period.value, TREND_PERIODS));

  function choose(next: PeriodKind, p: Period): void {
    kind.value = next;
    period.value = p;
  }

  const named = (c: TeamCounts, counting: boolean): TeamReport => ({ ...c, byUser: c.byUser.map((u) => ({ ...u, name: names.get(u.userId) ?? '' })), counting });

  function indicatorsOf(d: ReportData, p: Period): Indicators {
    // `counted` holds the counts of `data` only: records read again meanwhile are counted apart.
    if (d !== data) return computeIndicators(d, p);
    const key = `${p.from}:${p.to}`;
    let found = counted.get(key);
    if (!found) counted.set(key, (found = computeIndicators(d, p)));
    return found;
  }

  /** The records as they are now: the ones in memory while the token holds, else read again (once at a time). */
  async function currentData(r: Awaited<ReturnType<typeof repo>>): Promise<ReportData & { token: DataToken }> {
    if (data && data.token === (await r.reportDataToken())) return data;
    reading ??= r.loadReportData().finally(() => (reading = undefined));
    const read = await reading;
    if (data !== read) {
      data = read;
      counted.clear();
      countedTeams.clear();
    }
    return read;
  }

  /** The figures counted from the records as they are now: in memory, or kept on the phone. */
  async function keptCounts(r: Awaited<ReturnType<typeof repo>>, key: string): Promise<TeamCounts | undefined> {
    const inMemory = data && data.token === (await r.reportDataToken()) ? countedTeams.get(key) : undefined;
    return inMemory ?? r.keptResult<TeamCounts>(key);
  }

  /**
   * Each period's pass over the records is a task of its own, so that the page answers taps and
   * draws between them (a pass over 100,000 visits takes tens of milliseconds on a phone).
   */
  async function countTeam(d: ReportData, trendPeriods: Period[], byNeighborhood: NeighborhoodIndicators[], wanted: () => boolean): Promise<TeamCounts | undefined> {
    const trend: PeriodFigures[] = [];
    for (const p of trendPeriods) {
      // A task of its own from the first pass on: a caller that has just waited for a frame
      // resumes in a task queued then, and a pass there would hold back every task queued beside it.
      await nextTask();
      // Another period was chosen meanwhile: its count has the page's thread to itself.
      if (!wanted()) return undefined;
      trend.push({ period: p, indicators: indicatorsOf(d, p) });
    }
    if (!wanted()) return undefined;
    return { trend, byNeighborhood, byUser: indicatorsByUser(d, trendPeriods.at(-1)!) };
  }

  /**
   * The head's figures from the phone's records. Figures kept from an earlier count are shown when
   * the records have not changed since (the change token says so); otherwise the records are read
   * and counted: the chosen period first, then the previous one, the earlier trend periods and the
   * per-member figures, then, ahead, the previous period's own report (the next one people open).
   * Every count is kept; only the latest load shows its figures.
   */
  async function loadTeam(): Promise<void> {
    let finished = () => {};
    latestLoad = new Promise<void>((resolve) => (finished = resolve));
    // The households list's warming after an unlock waits for this count: both need the page's thread.
    holdWarming(latestLoad);
    try {
      await countTeamFigures();
    } finally {
      finished();
    }
  }

  /** Resolves once the latest load has finished, and no newer one has started meanwhile. */
  async function newerLoadsDone(): Promise<void> {
    for (;;) {
      const latest = latestLoad;
      await latest;
      if (latest === latestLoad) return;
    }
  }

  async function countTeamFigures(): Promise<void> {
    const run = ++generation;
    const showing = () => run === generation;
    const periodKind = kind.value;
    // Plain copies: the figures are kept in IndexedDB, which cannot clone Vue's proxies.
    const trendPeriods = periods.value.map(({ from, to }) => ({ from, to }));
    const chosen = trendPeriods.at(-1)!;
    const key = keptTeamKey(periodKind, chosen);
    busy.value = true;
    error.value = '';
    try {
      const r = await repo();
      // The roster and the kept figures are read side by side: each read waits on IndexedDB.
      const [users, kept] = await Promise.all([r.roster(), keptCounts(r, key)]);
      names = new Map(users.map((u) => [u.id, u.name]));
      if (kept) {
        if (showing()) team.value = named(kept, false);
        return;
      }
      // Until the new count, figures of another period are hidden and this period's are marked.
      const shown = team.value;
      const samePeriod = shown?.trend.at(-1)?.period.from === chosen.from && shown.trend.at(-1)?.period.to === chosen.to;
      if (showing() && shown) team.value = samePeriod ? { ...shown, outdated: true } : undefined;
      const d = await currentData(r);
      const current = computeTeamIndicators(d, chosen);
      counted.set(`${chosen.from}:${chosen.to}`, current.indicators);
      const chosenFigures = { period: chosen, indicators: current.indicators };
      // The chosen period's figures are drawn first, the previous period's beside them a pass
      // later, in a task of its own (an input queued in that frame goes first).
      if (showing()) team.value = { trend: [chosenFigures], byNeighborhood: current.byNeighborhood, byUser: [], counting: true };
      const previous = trendPeriods.at(-2);
      if (previous) {
        await afterPaint();
        await nextTask();
        if (showing() && data === d) team.value = { trend: [{ period: previous, indicators: indicatorsOf(d, previous) }, chosenFigures], byNeighborhood: current.byNeighborhood, byUser: [], counting: true };
      }
      await afterPaint();
      let counts: TeamCounts | undefined;
      // While no other load has started since `at`.
      let at = run;
      for (;;) {
        const since = at;
        counts = await countTeam(d, trendPeriods, current.byNeighborhood, () => since === generation && data === d);
        if (counts || data !== d) break;
        // Another period was chosen: its count has the page's thread to itself. This one goes on
        // once that one is done, and is kept, so that opening this period again shows it at once.
        await newerLoadsDone();
        if (data !== d) break;
        at = generation;
      }
      if (!counts) return;
      countedTeams.set(key, counts);
      if (showing()) team.value = named(counts, false);
      await r.keepResult(d.token, key, counts);
      // Superseded: keeping the records and counting ahead are the latest load's to do.
      if (!showing()) return;
      busy.value = false;
      await nextTask();
      // Next the records themselves, before counting ahead: they save the next count reading
      // every row (seconds), where the count ahead saves a switch a few passes. A later load of
      // the same records keeps them itself.
      if (showing()) await r.keepReportData(d).catch(() => undefined);
      await nextTask();
      const previousKey = previous && keptTeamKey(periodKind, previous);
      if (previous && previousKey && !countedTeams.has(previousKey) && data === d && showing()) {
        const aheadNeighborhoods = computeTeamIndicators(d, previous).byNeighborhood;
        await nextTask();
        const ahead = await countTeam(d, trailingPeriods(periodKind, previous, TREND_PERIODS), aheadNeighborhoods, showing);
        if (ahead && data === d) {
          countedTeams.set(previousKey, ahead);
          await r.keepResult(d.token, previousKey, ahead);
        }
      }
    } catch {
      if (showing()) error.value = 'reports.loadFailed';
    } finally {
      if (showing()) busy.value = false;
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
    releaseBuild?.();
    releaseBuild = undefined;
  }

  /** Starts loading the database code while the page reads who uses the phone. */
  function prepare(): void {
    releaseBuild ??= holdReportBuild();
    void repo().catch(() => undefined);
  }

  /** Recomputes for the chosen period: on the phone for a head, from the server for an admin. */
  function refresh(): Promise<void> {
    return isAdmin.value ? loadCommune() : loadTeam();
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
    // Not deeply readonly: the page reads thousands of figures, each through a proxy otherwise.
    team: shallowReadonly(team),
    commune: shallowReadonly(commune),
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
    prepare,
    refresh,
    useApi,
  };
});
