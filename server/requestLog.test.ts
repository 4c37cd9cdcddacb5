import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Fastify from 'fastify';
import { loggedUrl, RequestLog } from './requestLog';
import { startTestServer, type TestServer } from './testing';
import { NO_RATE_LIMIT, SETUP_TIMEOUT } from './test-fixtures';

/** A Fastify app logging to an array at `level`, with one fine route, one failing route and one refused request. */
async function appLoggingAt(level: string) {
  const lines: { level: number; msg: string; url?: string; statusCode?: number }[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) };
  const app = Fastify({ logger: { level, stream }, logController: new RequestLog() });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('database gone');
  });
  app.get('/refused', async (_req, reply) => reply.code(401).send({ error: 'UNAUTHORIZED' }));
  await app.ready();
  for (const url of ['/ok', '/boom', '/refused', '/missing']) await app.inject({ method: 'GET', url });
  await app.close();
  return lines;
}

const ERROR = 50;
const DEBUG = 20;

describe('RequestLog', () => {
  it('at the default level logs a failing request as an error and nothing for the others', async () => {
    const lines = await appLoggingAt('info');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[ERROR, 'database gone']]);
  });

  it('at debug logs one line per request, with its status', async () => {
    const lines = await appLoggingAt('debug');
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.level, l.url, l.statusCode])).toEqual([
      [DEBUG, '/ok', 200],
      [DEBUG, '/boom', 500],
      [DEBUG, '/refused', 401],
      [DEBUG, '/missing', 404],
    ]);
    expect(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
  });
});

describe('loggedUrl', () => {
  it('keeps the path and the names of the query parameters, never their values', () => {
    expect(loggedUrl('/api/team')).toBe('/api/team');
    expect(loggedUrl('/join?code=ABCDE-FGHJK')).toBe('/join?code=…');
    expect(loggedUrl('/api/sync/pull?cursor=abc&limit=10')).toBe('/api/sync/pull?cursor=…&limit=…');
    expect(loggedUrl('/join?')).toBe('/join?');
  });
});

describe('no invite code in the log', () => {
  const CODE = 'K7M2P-Q9RTW';
  let server: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({ ...NO_RATE_LIMIT, logLevel: 'debug' }, { logger: true, logStream: { write: (line) => void lines.push(line) } });
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('at debug, neither /join?code=…, an enrollment (wrong, right, failing) nor a query names the code', async () => {
    const team = await server.team();
    const invite = await server.inject({ method: 'POST', url: '/api/invites', token: team.headToken, payload: { role: 'member', maxUses: 1, ttlHours: 1 } });
    const live = (invite.json() as { code: string }).code;
    for (const code of [CODE, live]) {
      await server.inject({ method: 'GET', url: `/join?code=${code}` });
      await server.inject({ method: 'GET', url: `/api/health?code=${encodeURIComponent(code)}` });
      await server.inject({ method: 'GET', url: `/api/team?code=${code}`, token: team.headToken });
      await server.inject({ method: 'POST', url: `/api/auth/enroll?code=${code}`, payload: { code, name: 'Lan', device: 'Phone' } });
    }
    // an enrollment that fails on the server's side is logged as an error, still without the code
    const transaction = vi.spyOn(server.db, 'transaction').mockRejectedValueOnce(new Error('database gone'));
    expect((await server.inject({ method: 'POST', url: `/join?code=${CODE}`, payload: { code: CODE, name: 'Lan' } })).statusCode).toBe(404);
    expect((await server.inject({ method: 'POST', url: `/api/auth/enroll?code=${CODE}`, payload: { code: CODE, name: 'Lan' } })).statusCode).toBe(500);
    transaction.mockRestore();

    const log = lines.join('\n');
    expect(log).toContain('/join?code=…');
    expect(log).toContain('database gone');
    for (const code of [CODE, live]) {
      for (const spelling of [code, code.replace('-', ''), code.toLowerCase()]) expect(log).not.toContain(spelling);
    }
  });
});
