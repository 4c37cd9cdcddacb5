import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * A request's address as the log shows it: the path, and the names of its query parameters
 * without their values. A value can be a secret (`/join?code=…` carries a live invite code) and
 * the log is kept and read by more people than the codes are meant for.
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${names.map((n) => `${n}=…`).join('&')}`;
}

/** A request as the logger writes it wherever one is logged (Fastify's own 5xx lines among them). */
export function serializeRequest(req: FastifyRequest): { method: string; url: string; remoteAddress: string } {
  return { method: req.method, url: loggedUrl(req.url), remoteAddress: req.ip };
}

/**
 * How the server logs requests: one line per request, at `debug` (LOG_LEVEL=debug), so at the
 * default level the log holds start-up, server errors and the invite link instead of two lines for
 * every sync of every phone. Failed requests (5xx) are still logged as errors; a client's mistake
 * (4xx) or an unknown route is a debug line like any other request.
 */
/** The levels at which a debug line is written (without a logger, `level` is not set at all). */
const WRITES_DEBUG = new Set(['debug', 'trace']);

export class RequestLog extends LogController {
  override incomingRequest(): void {
    // The request is logged once, when it completes.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    // At the default level nothing is written: the line is not even put together.
    if (!WRITES_DEBUG.has(reply.log.level)) return;
    reply.log.debug({ method: request.method, url: loggedUrl(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) return super.defaultErrorLog(error, request, reply);
    reply.log.debug({ statusCode: reply.statusCode, err: error }, error.message);
  }

  override routeNotFound(): void {
    // Logged by requestCompleted, as a 404.
  }
}
