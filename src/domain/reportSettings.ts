/**
 * A commune's report settings: which indicators its dashboards show, in which order, and a target
 * for some of them. Set by the commune admin on the server; read by its heads.
 */
import * as z from 'zod/mini';
import { INDICATOR_KEYS, type IndicatorKey } from './indicators';

export const MAX_TARGET = 10_000_000;

export const reportSettingsSchema = z.strictObject({
  indicators: z.array(z.enum(INDICATOR_KEYS as [IndicatorKey, ...IndicatorKey[]])).check(
    z.minLength(1),
    z.refine((a) => new Set(a).size === a.length, 'duplicate indicator'),
  ),
  targets: z.partialRecord(z.enum(INDICATOR_KEYS as [IndicatorKey, ...IndicatorKey[]]), z.int().check(z.gte(0), z.lte(MAX_TARGET))),
});

export type ReportSettings = z.infer<typeof reportSettingsSchema>;

/** What a commune has before its admin chooses: every indicator, no targets. */
export function defaultReportSettings(): ReportSettings {
  return { indicators: [...INDICATOR_KEYS], targets: {} };
}

/**
 * The settings as stored, with when they last changed (null: never set, the defaults), and the
 * commune's name: a head's phone learns it nowhere else, and its reports' header names the commune.
 */
export interface StoredReportSettings extends ReportSettings {
  updatedAt: string | null;
  /** Absent from a copy kept on a phone by a version before the reports' header named the commune. */
  communeName?: string;
}

/** The answer of `GET /api/reports/summary` (indicators spec). */
export interface SummaryResponse {
  from: string;
  to: string;
  generatedAt: string;
  teams: {
    id: string;
    name: string;
    indicators: Record<IndicatorKey, number>;
    byNeighborhood: { name: string; indicators: Partial<Record<IndicatorKey, number>> }[];
  }[];
  total: { indicators: Record<IndicatorKey, number> };
}
