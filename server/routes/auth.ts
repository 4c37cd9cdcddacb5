import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app';
import { enroll } from '../services/auth';
import { sendError } from '../errors';

function text(v: unknown, max: number): string | null {
  // Control characters (NUL above all) are not names: refuse them with a 400.
  // eslint-disable-next-line no-control-regex
  if (typeof v !== 'string' || /[\u0000-\u001f\u007f]/.test(v)) return null;
  const t = v.trim();
  return t.length >= 1 && [...t].length <= max ? t : null;
}

export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/auth/enroll', async (req, reply) => {
    const body = req.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendError(reply, 400, 'BAD_REQUEST', 'body must be a JSON object');
    const code = text(body.code, 64);
    const name = text(body.name, 100);
    const device = body.device === undefined ? 'unknown device' : text(body.device, 200);
    if (!code || !name || !device) return sendError(reply, 400, 'BAD_REQUEST', 'code, name (1–100 characters) and device are required');
    const result = await enroll(ctx.db, code, name, device);
    if (!result) return sendError(reply, 401, 'INVITE_INVALID', 'this invite code is unknown, expired or used up');
    return reply.code(201).send(result);
  });
}
