/** The report routes of the server (../shared/spec/indicators.md); the store decides when to call them. */
import { SyncHttpError } from './transport';
import type { Period } from '../domain/indicators';
import type { ReportSettings, StoredReportSettings, SummaryResponse } from '../domain/reportSettings';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ReportsApiOptions {
  token: () => string | undefined;
  fetch?: FetchLike;
}

export function reportsApi({ token, fetch: doFetch = (i, init) => fetch(i, init) }: ReportsApiOptions) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const t = token();
    if (t) headers.authorization = `Bearer ${t}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (e) {
      throw new SyncHttpError(0, 'NETWORK', (e as Error).message || 'network error');
    }
    const json = (await res.json().catch(() => undefined)) as (T & { error?: { code?: string; message?: string } }) | undefined;
    if (!res.ok || json === undefined) throw new SyncHttpError(res.status, json?.error?.code ?? `HTTP_${res.status}`, json?.error?.message ?? res.statusText);
    return json;
  }
  return {
    summary: (p: Period) => call<SummaryResponse>('GET', `/api/reports/summary?from=${p.from}&to=${p.to}`),
    settings: () => call<StoredReportSettings>('GET', '/api/reports/settings'),
    saveSettings: (s: ReportSettings) => call<StoredReportSettings>('PUT', '/api/reports/settings', s),
  };
}

export type ReportsApi = ReturnType<typeof reportsApi>;
