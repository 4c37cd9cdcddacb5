/**
 * A data subject's erasure, asked by the team's head: POST /api/households/:id/erase or
 * /api/members/:id/erase. Never queued: it happens on the server now or not at all, and every
 * phone of the team, this one included, loses the records with its next pull.
 */
import { SyncHttpError } from './transport';
import type { EraseResponse } from '../domain/wire';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface EraseApiOptions {
  token: () => string | undefined;
  fetch?: FetchLike;
}

export type ErasedEntity = 'household' | 'member';

export function eraseApi({ token, fetch: doFetch = (i, init) => fetch(i, init) }: EraseApiOptions) {
  return {
    /** Throws SyncHttpError: status 0 offline, 404 not on the server (or not the team's), 403 not a head. */
    async erase(entity: ErasedEntity, id: string): Promise<EraseResponse> {
      const headers: Record<string, string> = { accept: 'application/json' };
      const t = token();
      if (t) headers.authorization = `Bearer ${t}`;
      let res: Response;
      try {
        res = await doFetch(`/api/${entity}s/${encodeURIComponent(id)}/erase`, { method: 'POST', headers, cache: 'no-store' });
      } catch (e) {
        throw new SyncHttpError(0, 'NETWORK', (e as Error).message || 'network error');
      }
      const json = (await res.json().catch(() => undefined)) as (EraseResponse & { error?: { code?: string; message?: string } }) | undefined;
      if (!res.ok || json === undefined) throw new SyncHttpError(res.status, json?.error?.code ?? `HTTP_${res.status}`, json?.error?.message ?? res.statusText);
      return json;
    },
  };
}

export type EraseApi = ReturnType<typeof eraseApi>;
