/**
 * A data subject's erasure, asked by the team's head: POST /api/households/:id/erase or
 * /api/members/:id/erase. Never queued: it happens on the server now or not at all, and every
 * phone of the team, this one included, loses the records with its next pull.
 */
import type { EraseResponse } from '../domain/wire';
import { callApi, type ApiOptions } from './apiCall';

export type ErasedEntity = 'household' | 'member';

export function eraseApi(options: ApiOptions) {
  return {
    /** Throws SyncHttpError: status 0 offline, 404 not on the server (or not the team's), 403 not a head. */
    erase: (entity: ErasedEntity, id: string) => callApi<EraseResponse>(options, 'POST', `/api/${entity}s/${encodeURIComponent(id)}/erase`),
  };
}

export type EraseApi = ReturnType<typeof eraseApi>;
