/** POST /api/auth/enroll: public; a device joins a team with an invite code. */
import type { FastifyInstance } from 'fastify';
import { enrollRequest } from '../../src/domain/wire';
import type { ZodTypeProvider } from '../plugins/zodSchemas';
import { enroll } from '../services/auth';
import { sendError } from '../errors';

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.ctx;

  app.post('/auth/enroll', { config: { public: true }, schema: { body: enrollRequest } }, async (req, reply) => {
    const { code, name, device = 'unknown device' } = req.body;
    const result = await enroll(db, code, name, device);
    if (!result) return sendError(reply, 401, 'INVITE_INVALID', 'this invite code is unknown, expired or used up');
    return reply.code(201).send(result);
  });
}
