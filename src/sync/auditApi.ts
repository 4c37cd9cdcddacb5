/** GET /api/audit: the team's (or commune's) audit, newest first, a page at a time. */
import { SyncHttpError } from './transport';
import type { AuditPage } from '../domain/wire';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface AuditApiOptions {
  token: () => string | undefined;
  fetch?: FetchLike;
}

export function auditApi({ token, fetch: doFetch = (i, init) => fetch(i, init) }: AuditApiOptions) {
  return {
    /** The page after `cursor` (the previous page's), or the newest page. */
    async page(cursor?: string): Promise<AuditPage> {
      const headers: Record<string, string> = { accept: 'application/json' };
      const t = token();
      if (t) headers.authorization = `Bearer ${t}`;
      let res: Response;
      try {
        res = await doFetch(`/api/audit${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, { method: 'GET', headers, cache: 'no-store' });
      } catch (e) {
        throw new SyncHttpError(0, 'NETWORK', (e as Error).message || 'network error');
      }
      const json = (await res.json().catch(() => undefined)) as (AuditPage & { error?: { code?: string; message?: string } }) | undefined;
      if (!res.ok || json === undefined) throw new SyncHttpError(res.status, json?.error?.code ?? `HTTP_${res.status}`, json?.error?.message ?? res.statusText);
      return json;
    },
  };
}

export type AuditApi = ReturnType<typeof auditApi>;
