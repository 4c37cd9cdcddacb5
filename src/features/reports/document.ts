/** Turns a dashboard's figures into the report people send upward (xlsx, CSV, print). */
import type { IndicatorKey, Indicators, Period } from '../../domain/indicators';
import type { ReportSettings } from '../../domain/reportSettings';
import type { ReportDocument } from './exports';

type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface DocumentInput {
  t: Translate;
  formatDate: (date: string) => string;
  formatDateTime: (at: Date) => string;
  settings: Pick<ReportSettings, 'indicators' | 'targets'>;
  communeName: string;
  /** The team's name, or the words for "every team" on a commune report. */
  teamName: string;
  period: Period;
  previousPeriod: Period;
  current: Indicators;
  previous: Indicators;
  /** Per neighborhood (a team) or per team (a commune). */
  breakdown: { title: string; firstColumn: string; rows: { name: string; indicators: Partial<Indicators> }[] };
  madeBy: string;
  madeAt: Date;
}

export const indicatorLabel = (t: Translate, key: IndicatorKey): string => t(`reportIndicators.${key}.label`);

export function periodText(p: Period, formatDate: (d: string) => string): string {
  return `${formatDate(p.from)} – ${formatDate(p.to)}`;
}

export function reportDocument(input: DocumentInput): ReportDocument {
  const { t, settings } = input;
  const keys = settings.indicators;
  const breakdownKeys = keys.filter((k) => input.breakdown.rows.some((r) => r.indicators[k] !== undefined));
  return {
    fileName: `${t('reports.fileName')}-${input.period.from}_${input.period.to}`,
    title: t('reports.documentTitle'),
    header: [
      [t('reports.commune'), input.communeName],
      [t('reports.team'), input.teamName],
      [t('reports.period'), periodText(input.period, input.formatDate)],
      [t('reports.previousPeriod'), periodText(input.previousPeriod, input.formatDate)],
      [t('reports.madeBy'), input.madeBy],
      [t('reports.madeAt'), input.formatDateTime(input.madeAt)],
    ],
    columns: { indicator: t('reports.indicator'), value: t('reports.value'), target: t('reports.target'), previous: t('reports.previous') },
    rows: keys.map((key) => {
      const target = settings.targets[key];
      return { key, label: indicatorLabel(t, key), value: input.current[key], previous: input.previous[key], ...(target === undefined ? {} : { target }) };
    }),
    breakdown: {
      title: input.breakdown.title,
      headers: [input.breakdown.firstColumn, ...breakdownKeys.map((k) => indicatorLabel(t, k))],
      rows: input.breakdown.rows.map((r) => [r.name, ...breakdownKeys.map((k) => r.indicators[k] ?? 0)]),
    },
  };
}
