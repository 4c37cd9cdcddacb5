/**
 * GET /api/team, POST /api/invites, GET /api/invites, POST /api/invites/:id/cancel,
 * POST /api/devices/:id/revoke, PUT /api/devices/:id/label: private.
 */
import type { FastifyInstance } from 'fastify';
import { deviceLabelRequest, inviteRequest, type CancelInviteResponse, type InviteList, type RevokeResponse, type TeamResponse } from '../../src/domain/wire';
import { isUuid } from '../../src/domain/ids';
import type { ZodTypeProvider } from '../plugins/zodSchemas';
import { callerOf } from '../plugins/authentication';
import { cancelInvite, createInvite, labelDevice, liveInvites, revokeDevice, teamInCommune, teamOverview } from '../services/teams';
import { sendError } from '../errors';
import { recordEvent } from '../services/audit';

export async function teamRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, inviteKey, tokens } = app.ctx;

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
    const invite = await createInvite(db, inviteKey, { communeId: caller.communeId, teamId, role, maxUses, ttlHours, createdBy: caller.userId, createdByDevice: caller.deviceId });
    // Kept with the team it admits people to, so its head sees an admin's invite too.
    await recordEvent(db, { actor: { ...caller, teamId }, entity: 'invite', op: 'invite-create' });
    return reply.code(201).send(invite);
  });

  app.get('/invites', { config: { roles: ['head', 'admin'] } }, async (req, reply) => {
    const caller = callerOf(req);
    if (!caller.teamId) return sendError(reply, 400, 'BAD_REQUEST', 'an admin lists the invites of a team from its own tools');
    const answer: InviteList = { invites: await liveInvites(db, caller.teamId) };
    return answer;
  });

  app.post<{ Params: { id: string } }>('/invites/:id/cancel', { config: { roles: ['head', 'admin'] } }, async (req, reply) => {
    const caller = callerOf(req);
    const { id } = req.params;
    if (!isUuid(id) || !caller.teamId || !(await cancelInvite(db, caller.teamId, id))) return sendError(reply, 404, 'NOT_FOUND', 'no such invite in your team');
    await recordEvent(db, { actor: caller, entity: 'invite', op: 'invite-cancel', recordId: id });
    const answer: CancelInviteResponse = { cancelled: true };
    return answer;
  });

  app.put('/devices/:id/label', { schema: { body: deviceLabelRequest } }, async (req, reply) => {
    const caller = callerOf(req);
    const { id } = req.params as { id: string };
    if (!isUuid(id) || !caller.teamId || !(await labelDevice(db, caller, id, req.body.label))) return sendError(reply, 404, 'NOT_FOUND', 'no such device of yours');
    return { label: req.body.label };
  });

  app.post<{ Params: { id: string } }>('/devices/:id/revoke', { config: { roles: ['head'] } }, async (req, reply) => {
    const caller = callerOf(req);
    const { id } = req.params;
    if (!isUuid(id) || !caller.teamId || !(await revokeDevice(db, caller.teamId, id, tokens))) return sendError(reply, 404, 'NOT_FOUND', 'no such device in your team');
    await recordEvent(db, { actor: caller, entity: 'device', op: 'device-revoke', recordId: id });
    const answer: RevokeResponse = { revoked: true };
    return answer;
  });
}
