/**
 * One JSON call to a private route, as the reports, audit and erasure screens make them: the token
 * if there is one, never cached, and any failure as a `SyncHttpError` (status 0 when offline). The
 * sync itself has its own in transport.ts, which also reads `Retry-After`.
 */
import { SyncHttpError, type FetchLike } from './transport';

export interface ApiOptions {
  token: () => string | undefined;
  fetch?: FetchLike;
}

export async function callApi<T>(options: ApiOptions, method: string, path: string, body?: unknown): Promise<T> {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = options.token();
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
