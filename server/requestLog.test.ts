import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { RequestLog } from './requestLog';

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
