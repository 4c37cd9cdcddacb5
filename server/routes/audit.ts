/**
 * GET /api/audit (heads and admins), and a household's data-subject requests for its team's head:
 * GET /api/households/:id/export, POST /api/households/:id/erase and POST /api/members/:id/erase.
 * Private.
 */
import type { FastifyInstance } from 'fastify';
import { auditQuery, AUDIT_LIMIT, type AuditPage, type EraseResponse, type HouseholdExport } from '../../src/domain/wire';
import { isUuid } from '../../src/domain/ids';
import type { ZodTypeProvider } from '../plugins/zodSchemas';
import { callerOf } from '../plugins/authentication';
import { sendError } from '../errors';
import { auditPage } from '../services/audit';
import { eraseRecord, exportHousehold } from '../services/households';

export async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.ctx;

  app.get('/audit', { config: { roles: ['head', 'admin'] }, schema: { querystring: auditQuery } }, async (req): Promise<AuditPage> =>
    auditPage(db, callerOf(req), req.query.cursor, req.query.limit ?? AUDIT_LIMIT.default),
  );

  app.get<{ Params: { id: string } }>('/households/:id/export', { config: { roles: ['head'] } }, async (req, reply) => {
    const caller = callerOf(req);
    const { teamId } = caller;
    const found: HouseholdExport | undefined = isUuid(req.params.id) && teamId ? await exportHousehold(db, { ...caller, teamId }, req.params.id) : undefined;
    return found ?? sendError(reply, 404, 'NOT_FOUND', 'no such household in your team');
  });

  for (const entity of ['household', 'member'] as const) {
    app.post<{ Params: { id: string } }>(`/${entity}s/:id/erase`, { config: { roles: ['head'] } }, async (req, reply) => {
      const caller = callerOf(req);
      const { teamId } = caller;
      const done: EraseResponse | undefined = isUuid(req.params.id) && teamId ? await eraseRecord(db, { ...caller, teamId }, entity, req.params.id) : undefined;
      return done ?? sendError(reply, 404, 'NOT_FOUND', `no such ${entity} in your team`);
    });
  }
}
