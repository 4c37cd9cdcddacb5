import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app';
import { createInvite } from '../services/teams';
import { sendError } from '../errors';
import { isUuid } from '../../src/domain/ids';

export function teamRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/team', async (req) => {
    const caller = req.caller!;
    if (caller.role === 'admin') {
      const commune = (await ctx.db.query<{ id: string; name: string }>('select id, name from communes where id = $1', [caller.communeId]))[0];
      const teams = await ctx.db.query<{ id: string; name: string }>('select id, name from teams where commune_id = $1 order by name', [caller.communeId]);
      return { commune, teams };
    }
    const team = (await ctx.db.query<{ id: string; name: string }>('select id, name from teams where id = $1', [caller.teamId]))[0];
    const users = await ctx.db.query<{ id: string; name: string; role: string }>('select id, name, role from users where team_id = $1 order by name', [caller.teamId]);
    if (caller.role !== 'head') return { team, users };
    const devices = await ctx.db.query<{ id: string; userId: string; label: string; lastSeenAt: string | null; revoked: boolean }>(
      `select id, user_id as "userId", label, last_seen_at as "lastSeenAt", revoked_at is not null as revoked
       from devices where team_id = $1 order by created_at`,
      [caller.teamId],
    );
    return { team, users, devices: devices.map((d) => ({ ...d, lastSeenAt: d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : null })) };
  });

  app.post('/api/invites', async (req, reply) => {
    const caller = req.caller!;
    if (caller.role === 'member') return sendError(reply, 403, 'FORBIDDEN', 'only a team head or an admin can invite');
    const body = req.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendError(reply, 400, 'BAD_REQUEST', 'body must be a JSON object');
    const { role, maxUses, ttlHours } = body;
    if (role !== 'member' && role !== 'head') return sendError(reply, 400, 'BAD_REQUEST', 'role must be member or head');
    if (!Number.isInteger(maxUses) || (maxUses as number) < 1 || (maxUses as number) > 100) return sendError(reply, 400, 'BAD_REQUEST', 'maxUses must be 1–100');
    if (!Number.isInteger(ttlHours) || (ttlHours as number) < 1 || (ttlHours as number) > 720) return sendError(reply, 400, 'BAD_REQUEST', 'ttlHours must be 1–720');
    let teamId = caller.teamId;
    if (caller.role === 'admin') {
      if (typeof body.teamId !== 'string' || !isUuid(body.teamId)) return sendError(reply, 400, 'BAD_REQUEST', 'teamId is required for an admin');
      const own = await ctx.db.query('select 1 from teams where id = $1 and commune_id = $2', [body.teamId, caller.communeId]);
      if (!own.length) return sendError(reply, 403, 'FORBIDDEN', 'that team is not in your commune');
      teamId = body.teamId;
    }
    const invite = await createInvite(ctx.db, { communeId: caller.communeId, teamId, role, maxUses: maxUses as number, ttlHours: ttlHours as number, createdBy: caller.userId });
    return reply.code(201).send(invite);
  });

  app.post('/api/devices/:id/revoke', async (req, reply) => {
    const caller = req.caller!;
    const { id } = req.params as { id: string };
    if (!isUuid(id)) return sendError(reply, 404, 'NOT_FOUND', 'no such device');
    if (caller.role !== 'head') return sendError(reply, 403, 'FORBIDDEN', 'only the team head can revoke a device');
    const rows = await ctx.db.query(
      `update devices set revoked_at = coalesce(revoked_at, now()) where id = $1 and team_id = $2 returning id`,
      [id, caller.teamId],
    );
    if (!rows.length) return sendError(reply, 404, 'NOT_FOUND', 'no such device in your team');
    return { revoked: true };
  });
}
