/** GET /api/team, POST /api/invites, POST /api/devices/:id/revoke: private. */
import type { FastifyInstance } from 'fastify';
import { inviteRequest, type RevokeResponse, type TeamResponse } from '../../src/domain/wire';
import { isUuid } from '../../src/domain/ids';
import type { ZodTypeProvider } from '../plugins/zodSchemas';
import { callerOf } from '../plugins/authentication';
import { createInvite, revokeDevice, teamInCommune, teamOverview } from '../services/teams';
import { sendError } from '../errors';

export async function teamRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.ctx;

  app.get('/team', async (req): Promise<TeamResponse> => teamOverview(db, callerOf(req)));

  app.post('/invites', { config: { roles: ['head', 'admin'] }, schema: { body: inviteRequest } }, async (req, reply) => {
    const caller = callerOf(req);
    const { role, maxUses, ttlHours } = req.body;
    let teamId = caller.teamId;
    if (caller.role === 'admin') {
      if (!req.body.teamId) return sendError(reply, 400, 'BAD_REQUEST', 'teamId is required for an admin');
      if (!(await teamInCommune(db, req.body.teamId, caller.communeId))) return sendError(reply, 403, 'FORBIDDEN', 'that team is not in your commune');
      teamId = req.body.teamId;
    }
    const invite = await createInvite(db, { communeId: caller.communeId, teamId, role, maxUses, ttlHours, createdBy: caller.userId });
    return reply.code(201).send(invite);
  });

  app.post<{ Params: { id: string } }>('/devices/:id/revoke', { config: { roles: ['head'] } }, async (req, reply) => {
    const caller = callerOf(req);
    const { id } = req.params;
    if (!isUuid(id) || !caller.teamId || !(await revokeDevice(db, caller.teamId, id))) return sendError(reply, 404, 'NOT_FOUND', 'no such device in your team');
    const answer: RevokeResponse = { revoked: true };
    return answer;
  });
}
