/**
 * What one app holds besides its routes: the database, the settings, and the little state kept
 * in memory. It lives on the app (`app.ctx`), never in a module, so two apps in one process
 * (tests, the benchmark) share nothing.
 */
import type { Database } from './db/adapter';
import type { ServerConfig } from './config';
import { LastSeen } from './services/auth';
import { EpochCache } from './services/pull';
import { RateLimiter } from './services/rateLimit';

export interface ServerContext {
  db: Database;
  config: ServerConfig;
  epoch: EpochCache;
  lastSeen: LastSeen;
  /** Per process: with several server processes each one counts on its own. */
  limiter: RateLimiter;
}

export function createContext(db: Database, config: ServerConfig): ServerContext {
  return {
    db,
    config,
    epoch: new EpochCache(db),
    lastSeen: new LastSeen(),
    limiter: new RateLimiter(config.rateLimit.perSecond, config.rateLimit.burst),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServerContext;
  }
}
