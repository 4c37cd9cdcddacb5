/**
 * POST /api/auth/enroll: public; a device joins a team with an invite code.
 * POST /api/auth/renew: a device in use swaps its token for a new one (services/auth.ts, renewToken).
 */
import type { FastifyInstance } from 'fastify';
import { enrollRequest, type RenewTokenResponse } from '../../src/domain/wire';
import type { ZodTypeProvider } from '../plugins/zodSchemas';
import { enroll, renewToken } from '../services/auth';
import { callerOf } from '../plugins/authentication';
import { addressKey } from '../services/rateLimit';
import { sendError, sendRateLimited } from '../errors';

const TOTAL = 'all';
const WAIT = 'too many invite codes were tried; wait and try again';

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, inviteKey, limits, tokens } = app.ctx;

  app.post('/auth/enroll', { config: { public: true }, schema: { body: enrollRequest } }, async (req, reply) => {
    // Codes are guessed here, so tries are counted per address and over the whole server (many
    // addresses together), before the lookup; a code that works gives its tries back, so a room
    // of people joining at once is not held up by its own successes.
    const address = addressKey(req.ip);
    const waitAddress = limits.enrollByAddress.take(address);
    if (waitAddress > 0) return sendRateLimited(reply, waitAddress, WAIT);
    const waitTotal = limits.enrollTotal.take(TOTAL);
    if (waitTotal > 0) {
      limits.enrollByAddress.refund(address);
      return sendRateLimited(reply, waitTotal, WAIT);
    }
    const { code, name, device = 'unknown device' } = req.body;
    const result = await enroll(db, inviteKey, code, name, device);
    if (!result) return sendError(reply, 401, 'INVITE_INVALID', 'this invite code is unknown, expired or used up');
    limits.enrollByAddress.refund(address);
    limits.enrollTotal.refund(TOTAL);
    return reply.code(201).send(result);
  });

  app.post('/auth/renew', async (req, reply) => {
    const renewed = await renewToken(db, callerOf(req), tokens);
    if (!renewed) return sendError(reply, 401, 'DEVICE_REVOKED', 'this device was removed from the team');
    return { token: renewed.token } satisfies RenewTokenResponse;
  });
}
