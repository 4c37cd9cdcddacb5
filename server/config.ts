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
  logLevel: string;
  /** Days a conflict or rejected push answer is kept (server/services/retention.ts). */
  retentionDays: number;
}

function positiveDays(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) throw new Error(`RETENTION_DAYS must be a whole number of days, 1 or more (got "${value}")`);
  return days;
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
    logLevel: env.LOG_LEVEL ?? 'info',
    retentionDays: positiveDays(env.RETENTION_DAYS, 30),
  };
}
