/** GET /api/audit: the team's (or commune's) audit, newest first, a page at a time. */
import type { AuditPage } from '../domain/wire';
import { callApi, type ApiOptions } from './apiCall';

export function auditApi(options: ApiOptions) {
  return {
    /** The page after `cursor` (the previous page's), or the newest page. */
    page: (cursor?: string) => callApi<AuditPage>(options, 'GET', `/api/audit${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
  };
}

export type AuditApi = ReturnType<typeof auditApi>;
