import type { Rate } from './services/rateLimit';
import { MAX_TOKEN_CACHE_SECONDS } from './services/auth';

/** Server settings, from the environment (see the README and the sync spec). */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  publicUrl?: string;
  /** Folder of the built app to serve; none in API-only tests. */
  staticDir?: string;
  appVersion: string;
  /** Requests per second sustained and burst size, per device (once its token is checked). */
  rateLimit: Rate;
  /**
   * Requests per second sustained and burst size of all of a team's devices together (once their
   * tokens are checked): one team pushing and pulling without pause cannot take the whole server
   * from the other teams. A phone's first sync of a big team pulls about 8 pages a second: a few
   * phones joining at once use the burst, then share the rate.
   */
  teamLimit: Rate;
  /**
   * Per client address, before a token is checked: a request spends one until its token proves
   * good, so this bounds the requests in authentication at once and the failed ones.
   */
  addressLimit: Rate;
  /** Enrollments, per client address and over the whole server: a code that works is given back. */
  enrollLimit: { perAddress: Rate; total: Rate };
  /**
   * The proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client; none by
   * default, when the client is the socket's peer.
   */
  trustProxy: string[];
  /** Keys the hashes of invite codes; when absent, one is generated and kept in the database. */
  serverSecret?: string;
  /** PostgreSQL only: this process's connections (see PostgresOptions in db/postgres.ts). */
  database: { poolSize: number; readReserve: number; acquireTimeoutMs: number };
  /** Pushes of one team (PushLimits in services/push.ts), in each process. */
  push: { perTeam: number; queuePerTeam: number; queueWaitMs: number; lockTimeoutMs: number };
  /** Pulls of one team in the database at once, and waiting (PushLimits' fields), in each process. */
  pull: { perTeam: number; queuePerTeam: number; queueWaitMs: number };
  logLevel: string;
  /** Days a conflict or rejected push answer is kept (server/services/retention.ts). */
  retentionDays: number;
  /** Days a device may stay unseen before its token stops working (`401 TOKEN_EXPIRED`). */
  tokenIdleDays: number;
  /**
   * Seconds a process keeps a good token's caller in memory (TokenCache in services/auth.ts); 0
   * turns it off. A device revoked through another process is refused here once this has passed.
   */
  tokenCacheSeconds: number;
}

function positiveDays(value: string | undefined, fallback: number, name = 'RETENTION_DAYS'): number {
  if (value === undefined || value === '') return fallback;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) throw new Error(`${name} must be a whole number of days, 1 or more (got "${value}")`);
  return days;
}

/** A positive number from the environment, or the default; anything else stops the start. */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return n;
}

/** `n` a minute, and a burst of `n`. */
const perMinute = (n: number): Rate => ({ perSecond: n / 60, burst: n });

function serverSecret(env: NodeJS.ProcessEnv): string | undefined {
  const secret = env.SERVER_SECRET;
  if (!secret) return undefined;
  if (secret.length < 32) throw new Error('SERVER_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)');
  return secret;
}

/** 0 to MAX_TOKEN_CACHE_SECONDS; anything else stops the start (it bounds how long a revoked device works). */
function tokenCacheSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return 5;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > MAX_TOKEN_CACHE_SECONDS) throw new Error(`TOKEN_CACHE_SECONDS must be a number of seconds from 0 to ${MAX_TOKEN_CACHE_SECONDS} (got "${value}")`);
  return n;
}

/** A whole number from the environment, or the default when unset or not a number. */
function whole(value: string | undefined, fallback: number, min = 0): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= min ? n : fallback;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, appVersion = '0.0.0'): ServerConfig {
  return {
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? '127.0.0.1',
    dataDir: env.DATA_DIR ?? './data',
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    staticDir: env.STATIC_DIR ?? 'dist',
    appVersion,
    rateLimit: { perSecond: positive(env, 'RATE_LIMIT_PER_SECOND', 25), burst: positive(env, 'RATE_LIMIT_BURST', 120) },
    teamLimit: { perSecond: positive(env, 'TEAM_RATE_LIMIT_PER_SECOND', 20), burst: positive(env, 'TEAM_RATE_LIMIT_BURST', 400) },
    // The burst is at least a device's, since a device's requests borrow from it while in flight.
    addressLimit: { perSecond: positive(env, 'ADDRESS_LIMIT_PER_MINUTE', 60) / 60, burst: positive(env, 'ADDRESS_LIMIT_BURST', 120) },
    enrollLimit: {
      perAddress: perMinute(positive(env, 'ENROLL_LIMIT_PER_ADDRESS', 10)),
      total: perMinute(positive(env, 'ENROLL_LIMIT_TOTAL', 60)),
    },
    trustProxy: (env.TRUST_PROXY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    serverSecret: serverSecret(env),
    database: {
      poolSize: whole(env.DATABASE_POOL_SIZE, 10, 2),
      readReserve: whole(env.DATABASE_READ_RESERVE, 3, 1),
      acquireTimeoutMs: whole(env.DATABASE_ACQUIRE_TIMEOUT_MS, 5_000, 1),
    },
    push: {
      perTeam: whole(env.PUSH_PER_TEAM, 1, 1),
      queuePerTeam: whole(env.PUSH_QUEUE_PER_TEAM, 16),
      queueWaitMs: whole(env.PUSH_QUEUE_WAIT_MS, 15_000, 1),
      lockTimeoutMs: whole(env.PUSH_LOCK_TIMEOUT_MS, 5_000, 1),
    },
    pull: {
      perTeam: whole(env.PULL_PER_TEAM, 2, 1),
      queuePerTeam: whole(env.PULL_QUEUE_PER_TEAM, 64),
      queueWaitMs: whole(env.PULL_QUEUE_WAIT_MS, 15_000, 1),
    },
    logLevel: env.LOG_LEVEL ?? 'info',
    retentionDays: positiveDays(env.RETENTION_DAYS, 30),
    tokenIdleDays: positiveDays(env.TOKEN_IDLE_DAYS, 90, 'TOKEN_IDLE_DAYS'),
    tokenCacheSeconds: tokenCacheSeconds(env.TOKEN_CACHE_SECONDS),
  };
}
