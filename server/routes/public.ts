/** GET /api/health and GET /api/guides: public, no token. */
import type { FastifyInstance } from 'fastify';
import { guidesQuery, type GuidesResponse, type HealthResponse } from '../../src/domain/wire';
import type { ZodTypeProvider } from '../plugins/zodSchemas';
import { guidesSince } from '../services/guides';

export async function publicRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, config } = app.ctx;

  app.get('/health', { config: { public: true } }, async (): Promise<HealthResponse> => ({ status: 'ok', db: db.kind, version: config.appVersion }));

  app.get('/guides', { config: { public: true }, schema: { querystring: guidesQuery } }, async (req): Promise<GuidesResponse> => {
    return guidesSince(db, Number(req.query.since || 0));
  });
}
