/**
 * The HTTP app, built apart from `listen()` so tests drive it with `inject()` and no port. Its
 * edges are plugins: security headers on every answer, the sync API under /api (authentication
 * and rate limits, route schemas, JSON errors), and the built app's files and page.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from './db/adapter';
import type { ServerConfig } from './config';
import { createContext } from './context';
import { handleClientError, handleError, handleFrameworkError } from './errors';
import securityHeaders from './plugins/securityHeaders';
import api from './plugins/api';
import webApp from './plugins/webApp';
import { RequestLog, serializeRequest } from './requestLog';
import { loadInviteKey } from './services/inviteKey';

export interface AppContext {
  db: Database;
  config: ServerConfig;
}

export interface AppOptions {
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
}

const ONE_MIB = 1024 * 1024;

export async function buildApp({ db, config }: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: config.logLevel, serializers: { req: serializeRequest }, ...(options.logStream ? { stream: options.logStream } : {}) } : false,
    logController: new RequestLog(),
    bodyLimit: ONE_MIB,
    // Only the proxies named in TRUST_PROXY may say who the client is: trusting any would let
    // every client name itself afresh in X-Forwarded-For and step around the per-address limits.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    // Large pulls are fine; slow clients on 3G are normal.
    connectionTimeout: 120_000,
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  });
  app.decorate('ctx', createContext(db, config, await loadInviteKey(db, config.serverSecret)));
  app.setErrorHandler(handleError);
  await app.register(securityHeaders);
  await app.register(api, { prefix: '/api' });
  await app.register(webApp, { staticDir: config.staticDir });
  return app;
}
