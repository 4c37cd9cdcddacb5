import type { FastifyReply } from 'fastify';

/** Every error is `{"error": {"code", "message"}}` (sync spec). */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}
