/**
 * For tests: a fetch that sends requests to a Fastify app in-process (no port), with a switch to
 * drop the network and a hook to tamper with answers.
 */
import type { FetchLike } from './transport';

interface Injectable {
  inject(opts: { method: string; url: string; headers?: Record<string, string>; payload?: string }): Promise<{
    statusCode: number;
    body: string;
    headers: Record<string, string | string[] | number | undefined>;
  }>;
}

export interface FakeNetwork {
  fetch: FetchLike;
  online: boolean;
  /** Called with each request; may return a Response to answer instead of the server. */
  intercept?: (url: string, init: RequestInit | undefined, call: number) => Response | 'drop-after' | undefined | Promise<Response | 'drop-after' | undefined>;
  calls: { url: string; method: string; status: number }[];
}

export function fakeNetwork(app: Injectable): FakeNetwork {
  const net: FakeNetwork = {
    online: true,
    calls: [],
    fetch: async (input, init) => {
      if (!net.online) throw new TypeError('Failed to fetch');
      const url = new URL(input, 'http://device.test');
      const n = net.calls.length;
      const intercepted = await net.intercept?.(input, init, n);
      if (intercepted instanceof Response) {
        net.calls.push({ url: url.pathname, method: init?.method ?? 'GET', status: intercepted.status });
        return intercepted;
      }
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
      const res = await app.inject({ method: init?.method ?? 'GET', url: url.pathname + url.search, headers, payload: init?.body as string | undefined });
      net.calls.push({ url: url.pathname, method: init?.method ?? 'GET', status: res.statusCode });
      // The server did the work, but the answer never reached the phone.
      if (intercepted === 'drop-after') throw new TypeError('Failed to fetch');
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : String(v));
      return new Response(res.body, { status: res.statusCode, headers: h });
    },
  };
  return net;
}
