import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * How the server logs requests: one line per request, at `debug` (LOG_LEVEL=debug), so at the
 * default level the log holds start-up, server errors and the invite link instead of two lines for
 * every sync of every phone. Failed requests (5xx) are still logged as errors; a client's mistake
 * (4xx) or an unknown route is a debug line like any other request.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {
    // The request is logged once, when it completes.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    reply.log.debug({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) return super.defaultErrorLog(error, request, reply);
    reply.log.debug({ statusCode: reply.statusCode, err: error }, error.message);
  }

  override routeNotFound(): void {
    // Logged by requestCompleted, as a 404.
  }
}
