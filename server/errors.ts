import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../src/domain/wire';

/** Every error is `{"error": {"code", "message"}}` (sync spec). */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/**
 * Errors thrown on the way (a body too large or not JSON, a body or query its route's schema
 * refuses, a failure in a handler) in the spec's shape: a malformed request is a 4xx, and a 500
 * says nothing of the server's internals.
 */
export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = err.statusCode ?? 500;
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than 1 MiB');
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON (application/json)');
  if (status >= 400 && status < 500) return sendError(reply, status, 'BAD_REQUEST', err.message.slice(0, 300));
  req.log.error(err);
  return sendError(reply, 500, 'INTERNAL', 'something went wrong on the server; try again later');
}
