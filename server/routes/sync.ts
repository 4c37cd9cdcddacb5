import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app';
import { checkEnvelope } from '../services/envelope';
import { push } from '../services/push';
import { decodeCursor, pull } from '../services/pull';
import { sendError } from '../errors';

export function syncRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/sync/push', async (req, reply) => {
    const check = checkEnvelope(req.body);
    if (!check.ok) return sendError(reply, check.status, check.code, check.message);
    const results = await push(ctx.db, req.caller!, check.body);
    return { results };
  });

  app.get('/api/sync/pull', async (req, reply) => {
    const q = req.query as Record<string, string | string[] | undefined>;
    const rawLimit = q.limit;
    let limit = 500;
    if (rawLimit !== undefined) {
      if (typeof rawLimit !== 'string' || !/^\d{1,4}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 1000) {
        return sendError(reply, 400, 'BAD_REQUEST', 'limit must be an integer from 1 to 1000');
      }
      limit = Number(rawLimit);
    }
    let cursor = null;
    if (q.cursor !== undefined && q.cursor !== '') {
      if (typeof q.cursor !== 'string') return sendError(reply, 400, 'BAD_REQUEST', 'cursor must be a single value');
      cursor = decodeCursor(q.cursor);
      if (!cursor) return sendError(reply, 400, 'BAD_REQUEST', 'this cursor cannot be read; pull from the beginning');
    }
    return pull(ctx.db, req.caller!, cursor, limit);
  });
}
