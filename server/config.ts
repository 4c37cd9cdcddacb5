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
  };
}
