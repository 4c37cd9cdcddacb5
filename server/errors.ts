import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from '../src/domain/wire';

/** Every error is `{"error": {"code", "message"}}` (sync spec). */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** 429 RATE_LIMITED, with the whole seconds to wait in Retry-After. */
export function sendRateLimited(reply: FastifyReply, waitSeconds: number, message = 'too many requests; wait and try again'): FastifyReply {
  reply.header('retry-after', String(waitSeconds));
  return sendError(reply, 429, 'RATE_LIMITED', message);
}

/**
 * A refusal under load that passes: `503` with `Retry-After`, which devices honour (sync spec).
 * The wait is spread over 1–3 s so that devices refused together do not all come back together.
 */
export class BusyError extends Error {
  constructor(
    readonly busyCode: 'SERVER_BUSY' | 'TEAM_BUSY',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Fixed messages for what Fastify refuses on its own: its messages can quote the request back
 * (JSON.parse's does), and an answer should never repeat what a client sent.
 */
const FIXED: Record<string, [status: number, code: string, message: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than 1 MiB'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON (application/json)'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BAD_REQUEST', 'the body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BAD_REQUEST', 'the body is empty; send a JSON object'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'the Content-Length does not match the body'],
};

/**
 * Errors thrown on the way (a body too large or not JSON, a body or query its route's schema
 * refuses, a failure in a handler) in the spec's shape: a malformed request is a 4xx, and a 500
 * says nothing of the server's internals.
 */
export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof BusyError) {
    reply.header('retry-after', String(1 + Math.floor(Math.random() * 3)));
    return sendError(reply, 503, err.busyCode, err.message);
  }
  const fixed = FIXED[err.code];
  if (fixed) return sendError(reply, ...fixed);
  const status = err.statusCode ?? 500;
  if (status === 413) return sendError(reply, ...FIXED.FST_ERR_CTP_BODY_TOO_LARGE!);
  // A schema's refusal names the field and the rule (zodSchemas.ts), never the value sent.
  if (err.validation || err.code === 'FST_ERR_VALIDATION') return sendError(reply, 400, 'BAD_REQUEST', err.message.slice(0, 300));
  // Our own 4xx errors carry fixed messages (the UTF-8 check); anything else gets one here.
  if (status >= 400 && status < 500) return sendError(reply, status, 'BAD_REQUEST', err.code ? 'the request is malformed' : err.message.slice(0, 300));
  req.log.error(err);
  return sendError(reply, 500, 'INTERNAL', 'something went wrong on the server; try again later');
}

/** What the router refuses before any route runs: a path that is not a valid URL. */
export function handleFrameworkError(_err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, 400, 'BAD_REQUEST', 'the address is not a valid URL');
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers too large, a request
 * line that is not HTTP), answered in the spec's shape on the raw socket as Node would.
 */
export function handleClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, string, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'the request headers are too large']
        : [400, 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
