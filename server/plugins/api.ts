/**
 * The sync API, registered under /api: JSON answers that are never cached, an unknown route is a
 * JSON 404, bodies and queries are checked by each route's schema, and every route is private
 * unless it says otherwise (authentication.ts).
 */
import type { FastifyInstance } from 'fastify';
import { isUtf8 } from 'node:buffer';
import authentication from './authentication';
import { zodValidator } from './zodSchemas';
import { sendError } from '../errors';
import { publicRoutes } from '../routes/public';
import { authRoutes } from '../routes/auth';
import { teamRoutes } from '../routes/team';
import { syncRoutes } from '../routes/sync';
import { reportRoutes } from '../routes/reports';
import { auditRoutes } from '../routes/audit';

export default async function api(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(zodValidator);
  // JSON as Fastify reads it, but a body that is not valid UTF-8 is refused instead of being
  // stored with U+FFFD in place of what the device sent.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    if (!isUtf8(body as Buffer)) return done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 }), undefined);
    parseJson(req, (body as Buffer).toString('utf8'), done);
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
  app.setNotFoundHandler((_req, reply) => sendError(reply, 404, 'NOT_FOUND', 'no such route'));
  await app.register(authentication);
  await app.register(publicRoutes);
  await app.register(authRoutes);
  await app.register(teamRoutes);
  await app.register(syncRoutes);
  await app.register(reportRoutes);
  await app.register(auditRoutes);
}
