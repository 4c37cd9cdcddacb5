import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app';
import { guidesSince } from '../services/guides';
import { sendError } from '../errors';

export function publicRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/health', async () => ({ status: 'ok', db: ctx.db.kind, version: ctx.config.appVersion }));

  app.get('/api/guides', async (req, reply) => {
    const { since } = req.query as Record<string, unknown>;
    let from = 0;
    if (since !== undefined && since !== '') {
      if (typeof since !== 'string' || !/^\d{1,15}$/.test(since)) return sendError(reply, 400, 'BAD_REQUEST', 'since must be a non-negative integer');
      from = Number(since);
    }
    return guidesSince(ctx.db, from);
  });
}
