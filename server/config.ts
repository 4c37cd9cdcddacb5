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
  /** Requests per second sustained and burst size, per token. */
  rateLimit: { perSecond: number; burst: number };
  /** PostgreSQL only: this process's connections (see PostgresOptions in db/postgres.ts). */
  database: { poolSize: number; readReserve: number; acquireTimeoutMs: number };
  /** Pushes of one team (PushLimits in services/push.ts), in each process. */
  push: { perTeam: number; queuePerTeam: number; queueWaitMs: number; lockTimeoutMs: number };
  logLevel: string;
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
    rateLimit: { perSecond: Number(env.RATE_LIMIT_PER_SECOND ?? 25), burst: Number(env.RATE_LIMIT_BURST ?? 120) },
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
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
