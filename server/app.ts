/**
 * The HTTP app, built apart from `listen()` so tests drive it with `inject()` and no port. Its
 * edges are plugins: security headers on every answer, the sync API under /api (authentication
 * and rate limit, route schemas, JSON errors), and the built app's files and page.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from './db/adapter';
import type { ServerConfig } from './config';
import { createContext } from './context';
import { handleClientError, handleError, handleFrameworkError } from './errors';
import securityHeaders from './plugins/securityHeaders';
import api from './plugins/api';
import webApp from './plugins/webApp';
import { RequestLog } from './requestLog';

export interface AppContext {
  db: Database;
  config: ServerConfig;
}

const ONE_MIB = 1024 * 1024;

export async function buildApp({ db, config }: AppContext, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: config.logLevel } : false,
    logController: new RequestLog(),
    bodyLimit: ONE_MIB,
    trustProxy: true,
    // Large pulls are fine; slow clients on 3G are normal.
    connectionTimeout: 120_000,
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  });
  app.decorate('ctx', createContext(db, config));
  app.setErrorHandler(handleError);
  await app.register(securityHeaders);
  await app.register(api, { prefix: '/api' });
  await app.register(webApp, { staticDir: config.staticDir });
  return app;
}
