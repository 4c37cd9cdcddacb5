/**
 * HTTP calls to the sync endpoint (sync spec routes). No Vue, no Dexie: the engine and the
 * screens call these; tests pass a fetch that talks to the server in-process.
 */
import type { Mutation } from '../domain/sync';
import type {
  EnrollRequest,
  EnrollResponse,
  CancelInviteResponse,
  DeviceLabelRequest,
  InviteList,
  InviteRequest,
  InviteResponse,
  PullResponse,
  PushRequest,
  PushResponse,
  RenewTokenResponse,
  RevokeResponse,
  TeamResponse,
} from '../domain/wire';

export type { DeviceInfo, EnrollResponse, InviteInfo, PullChange, PullResponse, PushResult, SessionUser, TeamResponse } from '../domain/wire';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** An answer other than 2xx, or no answer at all (`status` 0). */
export class SyncHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
}

export interface TransportOptions {
  baseUrl?: string;
  fetch?: FetchLike;
  token?: () => string | undefined;
}

export class Transport {
  private readonly base: string;
  private readonly doFetch: FetchLike;

  constructor(private readonly options: TransportOptions = {}) {
    this.base = (options.baseUrl ?? '').replace(/\/$/, '');
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.doFetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (e) {
      throw new SyncHttpError(0, 'NETWORK', (e as Error).message || 'network error');
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      const retry = Number(res.headers.get('retry-after'));
      throw new SyncHttpError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, Number.isFinite(retry) && retry > 0 ? retry : undefined);
    }
    if (json === undefined) throw new SyncHttpError(res.status, 'BAD_RESPONSE', 'the server answered with something that is not JSON');
    return json as T;
  }

  enroll(code: string, name: string, device: string): Promise<EnrollResponse> {
    return this.call('POST', '/api/auth/enroll', { code, name, device } satisfies EnrollRequest);
  }

  /** A new token for this device; the one sent stops working once the new one is used. */
  renewToken(): Promise<RenewTokenResponse> {
    return this.call('POST', '/api/auth/renew', {});
  }

  team(): Promise<TeamResponse> {
    return this.call('GET', '/api/team');
  }

  createInvite(role: InviteRequest['role'], maxUses: number, ttlHours: number): Promise<InviteResponse> {
    return this.call('POST', '/api/invites', { role, maxUses, ttlHours } satisfies InviteRequest);
  }

  revokeDevice(id: string): Promise<RevokeResponse> {
    return this.call('POST', `/api/devices/${encodeURIComponent(id)}/revoke`, {});
  }

  labelDevice(id: string, label: string): Promise<{ label: string }> {
    return this.call('PUT', `/api/devices/${encodeURIComponent(id)}/label`, { label } satisfies DeviceLabelRequest);
  }

  invites(): Promise<InviteList> {
    return this.call('GET', '/api/invites');
  }

  cancelInvite(id: string): Promise<CancelInviteResponse> {
    return this.call('POST', `/api/invites/${encodeURIComponent(id)}/cancel`, {});
  }

  push(deviceId: string, appVersion: string, mutations: Mutation[]): Promise<PushResponse> {
    return this.call('POST', '/api/sync/push', { protocol: 1, deviceId, appVersion, mutations } satisfies PushRequest);
  }

  async pull(cursor: string | undefined, limit: number): Promise<PullResponse> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    const page = await this.call<PullResponse>('GET', `/api/sync/pull?${q.toString()}`);
    // A page that is not one would lose the stored cursor: refuse it, keep what we have.
    if (!page || !Array.isArray(page.changes) || typeof page.cursor !== 'string' || typeof page.hasMore !== 'boolean') {
      throw new SyncHttpError(200, 'BAD_RESPONSE', 'the server answered a pull with something that is not a page');
    }
    return page;
  }
}
