/**
 * The devices' HTTP client: node:http with one keep-alive agent (a socket per device at most, as
 * each phone has its own connection), a total-time timeout per request, and one sample per
 * request. node:http rather than fetch: less work per request on the client, which shares the
 * machine with the server it measures.
 */
import http from 'node:http';

/** `probe`: GET /api/health, no token and no database (the noisy run's gauge of the event loops and the machine). */
export type RequestKind = 'push' | 'pull' | 'setup' | 'probe';

/** `status` 0: the client gave up after its timeout; -1: the connection failed. */
export interface Sample {
  kind: RequestKind;
  /** Which group of devices sent it (the noisy-neighbour run has two). */
  group: string;
  /** Start, on the run's clock (ms, performance.now()). */
  start: number;
  ms: number;
  status: number;
}

export interface Answer {
  status: number;
  text: string;
  /** Seconds, when the server said. */
  retryAfter?: number;
  sentAt: number;
  ms: number;
}

export const TIMED_OUT = 0;
export const NETWORK_ERROR = -1;

export class LoadClient {
  readonly samples: Sample[] = [];
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    base: string,
    sockets: number,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(base);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(kind: RequestKind, group: string, method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const sentAt = performance.now();
    return new Promise<Answer>((resolve) => {
      let done = false;
      const finish = (status: number, text: string, retryAfter?: number) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const ms = performance.now() - sentAt;
        this.samples.push({ kind, group, start: sentAt, ms, status });
        resolve({ status, text, retryAfter, sentAt, ms });
      };
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ra = Number(res.headers['retry-after']);
          finish(res.statusCode ?? NETWORK_ERROR, Buffer.concat(chunks).toString('utf8'), Number.isFinite(ra) ? ra : undefined);
        });
        res.on('error', () => finish(NETWORK_ERROR, ''));
      });
      const timer = setTimeout(() => {
        finish(TIMED_OUT, '');
        req.destroy();
      }, this.timeoutMs);
      req.on('error', () => finish(NETWORK_ERROR, ''));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
