/** POST /api/sync/push and GET /api/sync/pull: private. */
import type { FastifyInstance } from 'fastify';
import { PULL_LIMIT, pullQuery, pushRequest, type PushResponse } from '../../src/domain/wire';
import type { ZodTypeProvider } from '../plugins/zodSchemas';
import { callerOf } from '../plugins/authentication';
import { refuseEnvelope } from '../services/envelope';
import { groupFits, pushGroup } from '../services/push';
import { decodeCursor, pullGroup, pullGroupFits } from '../services/pull';
import { sendError } from '../errors';
import { forTeam } from '../db/adapter';

export async function syncRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, epoch, pushes, pulls, config } = app.ctx;
  const { lockTimeoutMs } = config.push;

  app.post(
    '/sync/push',
    {
      schema: { body: pushRequest },
      // Runs before the schema: these two answers win over a 400.
      preValidation: async (req, reply) => {
        const refusal = refuseEnvelope(req.body);
        if (refusal) return sendError(reply, refusal.status, refusal.code, refusal.message);
      },
    },
    async (req): Promise<PushResponse> => {
      const caller = callerOf(req);
      // Admins have no team; their pushes (all refused) queue per commune.
      const queue = caller.teamId ?? `commune:${caller.communeId}`;
      const work = { caller, body: req.body };
      // On PGlite the team's transaction waits its turn among the teams' (Database.forTeam).
      return { results: await pushes.runGrouped(queue, work, groupFits, (group) => pushGroup(forTeam(db, queue), group, { lockTimeoutMs })) };
    },
  );

  app.get('/sync/pull', { schema: { querystring: pullQuery } }, async (req, reply) => {
    let cursor = null;
    if (req.query.cursor) {
      cursor = decodeCursor(req.query.cursor);
      if (!cursor) return sendError(reply, 400, 'BAD_REQUEST', 'this cursor cannot be read; pull from the beginning');
    }
    const caller = callerOf(req);
    const limit = req.query.limit ?? PULL_LIMIT.default;
    // Pulls of a team that waited for each other are read together (a group of pushes answered at
    // once sends its devices pulling at once).
    const work = { caller, cursor, limit };
    const queue = caller.teamId ?? `commune:${caller.communeId}`;
    const answer = await pulls.runGrouped(queue, work, pullGroupFits, (group) => pullGroup(forTeam(db, queue), epoch, group));
    // Already encoded: as text, it would be measured and then encoded again on the way out.
    return reply.type('application/json; charset=utf-8').send(answer);
  });
}
