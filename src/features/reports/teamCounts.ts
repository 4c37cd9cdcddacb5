/**
 * A head's figures for a period, as the dashboard shows and keeps them: counted by the dashboard
 * itself (store.ts) and, in a head's idle time, with the records the build keeps (idleBuild.ts),
 * so that opening the dashboard after a build shows them at once.
 */
import { computeIndicators, computeTeamIndicators, indicatorsByUser, type Indicators, type NeighborhoodIndicators, type Period, type ReportData, type UserIndicators } from '../../domain/indicators';
import { periodContaining, trailingPeriods, type PeriodKind } from '../../domain/periods';
import { localToday } from '../../domain/dates';

export const TREND_PERIODS = 6;

/**
 * Kept figures are of this counting code only. A production chunk's name carries the hash of its
 * content and of the chunks it imports (the indicators), so an update never shows figures counted
 * by the code it replaced.
 */
const COUNTING_CODE = import.meta.url;

/** Under which key a head's figures for a kind of period and a period are kept. */
export const keptTeamKey = (k: PeriodKind, p: Period): string => `${k}:${p.from}:${p.to}@${COUNTING_CODE}`;

export interface PeriodFigures {
  period: Period;
  indicators: Indicators;
}

/** A head's figures as counted (kept on the phone with the records' change token). */
export interface TeamCounts {
  /** Oldest first; the last one is the chosen period, the one before it the previous period. */
  trend: PeriodFigures[];
  byNeighborhood: NeighborhoodIndicators[];
  byUser: UserIndicators[];
}

/**
 * The figures the dashboard opens on (this month), counted a pass at a time with `pause()` before
 * each, as the dashboard counts them: the chosen period's indicators are those of its pass by
 * neighborhood.
 */
export async function countOpeningFigures(d: ReportData, pause: () => Promise<void>): Promise<Record<string, TeamCounts>> {
  const kind: PeriodKind = 'month';
  const chosen = periodContaining(kind, localToday());
  const trendPeriods = trailingPeriods(kind, chosen, TREND_PERIODS);
  await pause();
  const current = computeTeamIndicators(d, chosen);
  const trend: PeriodFigures[] = [];
  for (const p of trendPeriods.slice(0, -1)) {
    await pause();
    trend.push({ period: p, indicators: computeIndicators(d, p) });
  }
  trend.push({ period: chosen, indicators: current.indicators });
  await pause();
  return { [keptTeamKey(kind, chosen)]: { trend, byNeighborhood: current.byNeighborhood, byUser: indicatorsByUser(d, chosen) } };
}
