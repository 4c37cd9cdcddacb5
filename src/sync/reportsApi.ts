/** The report routes of the server (../shared/spec/indicators.md); the store decides when to call them. */
import type { Period } from '../domain/indicators';
import type { ReportSettings, StoredReportSettings, SummaryResponse } from '../domain/reportSettings';
import { callApi, type ApiOptions } from './apiCall';

export function reportsApi(options: ApiOptions) {
  const call = <T>(method: string, path: string, body?: unknown) => callApi<T>(options, method, path, body);
  return {
    summary: (p: Period) => call<SummaryResponse>('GET', `/api/reports/summary?from=${p.from}&to=${p.to}`),
    settings: () => call<StoredReportSettings>('GET', '/api/reports/settings'),
    saveSettings: (s: ReportSettings) => call<StoredReportSettings>('PUT', '/api/reports/settings', s),
  };
}

export type ReportsApi = ReturnType<typeof reportsApi>;
