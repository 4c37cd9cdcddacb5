/**
 * What one app holds besides its routes: the database, the settings, and the little state kept
 * in memory. It lives on the app (`app.ctx`), never in a module, so two apps in one process
 * (tests, the benchmark) share nothing. Several server processes may share one PostgreSQL, so
 * nothing here may be needed by another process: the epoch is read from the database, last-seen
 * is decided by the database, and what stays in memory (the rate limiter, each team's push queue)
 * only paces this process's own requests.
 */
import type { Database } from './db/adapter';
import type { ServerConfig } from './config';
import { LastSeen, TokenCache } from './services/auth';
import type { InviteKey } from './services/inviteKey';
import { EpochCache } from './services/pull';
import { TeamPushes } from './services/push';
import { BusyError } from './errors';
import { RateLimiter } from './services/rateLimit';

/** The rate limits. Per process: with several server processes each one counts on its own. */
export interface Limiters {
  /** Per client address, before a token is checked. */
  address: RateLimiter;
  /** Per device, after. */
  device: RateLimiter;
  /** All of a team's devices together (an admin counts under its commune). */
  team: RateLimiter;
  enrollByAddress: RateLimiter;
  /** One bucket for the whole server. */
  enrollTotal: RateLimiter;
}

export interface ServerContext {
  db: Database;
  config: ServerConfig;
  epoch: EpochCache;
  lastSeen: LastSeen;
  /** Per process: good tokens checked in the last few seconds (`TOKEN_CACHE_SECONDS`). */
  tokens: TokenCache;
  limits: Limiters;
  inviteKey: InviteKey;
  /** Per process: each process queues its own pushes of a team; the lock timeout bounds the rest. */
  pushes: TeamPushes;
  /**
   * Per process: a team's pulls in the database at once. Without it one team's devices pulling
   * without pause held every connection (and PGlite's one queue) while other teams waited behind.
   */
  pulls: TeamPushes;
}

export function createContext(db: Database, config: ServerConfig, inviteKey: InviteKey): ServerContext {
  return {
    db,
    config,
    // PGlite belongs to this process alone; a PostgreSQL may be restored under other processes too.
    epoch: new EpochCache(db, { shared: db.kind === 'postgres' }),
    lastSeen: new LastSeen(),
    tokens: new TokenCache(config.tokenCacheSeconds),
    limits: {
      address: new RateLimiter(config.addressLimit),
      device: new RateLimiter(config.rateLimit),
      team: new RateLimiter(config.teamLimit),
      enrollByAddress: new RateLimiter(config.enrollLimit.perAddress),
      enrollTotal: new RateLimiter(config.enrollLimit.total, 1),
    },
    inviteKey,
    pushes: new TeamPushes(config.push),
    pulls: new TeamPushes(config.pull, () => new BusyError('TEAM_BUSY', 'your team is fetching many changes at once; try again in a moment')),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServerContext;
  }
}
