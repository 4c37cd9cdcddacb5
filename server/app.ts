/**
 * The HTTP app, built apart from `listen()` so tests drive it with `inject()` and no port.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database } from './db/adapter';
import type { ServerConfig } from './config';
import { authenticate, type Caller } from './services/auth';
import { RateLimiter } from './services/rateLimit';
import { sendError } from './errors';
import { loadAppShell, pageEncoder, pickEncoding, type AppShell } from './services/appShell';
import { authRoutes } from './routes/auth';
import { teamRoutes } from './routes/team';
import { syncRoutes } from './routes/sync';
import { publicRoutes } from './routes/public';
import { reportRoutes } from './routes/reports';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

export interface AppContext {
  db: Database;
  config: ServerConfig;
}

const PUBLIC_API = new Set(['/api/health', '/api/guides', '/api/auth/enroll']);
const ONE_MIB = 1024 * 1024;

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

export async function buildApp(ctx: AppContext, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: ctx.config.logLevel } : false,
    bodyLimit: ONE_MIB,
    trustProxy: true,
    // Large pulls are fine; slow clients on 3G are normal.
    connectionTimeout: 120_000,
  });
  const limiter = new RateLimiter(ctx.config.rateLimit.perSecond, ctx.config.rateLimit.burst);

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('permissions-policy', 'camera=(self), microphone=(), geolocation=()');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    else
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
      );
    return payload;
  });

  // Authentication and the per-token rate limit for every private API route.
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC_API.has(path)) return;
    const token = bearer(req);
    const wait = limiter.take(token ? `t:${token.slice(0, 16)}` : `ip:${req.ip}`);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendError(reply, 429, 'RATE_LIMITED', 'too many requests; wait and try again');
    }
    const outcome = await authenticate(ctx.db, token);
    if (!outcome.ok) {
      const message = outcome.code === 'DEVICE_REVOKED' ? 'this device was removed from the team' : 'sign in again with an invite code';
      return sendError(reply, 401, outcome.code, message);
    }
    req.caller = outcome.caller;
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than 1 MiB');
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON (application/json)');
    if (status >= 400 && status < 500) return sendError(reply, status, 'BAD_REQUEST', err.message.slice(0, 300));
    req.log.error(err);
    // No stack traces or internals in responses.
    return sendError(reply, 500, 'INTERNAL', 'something went wrong on the server; try again later');
  });

  publicRoutes(app, ctx);
  authRoutes(app, ctx);
  teamRoutes(app, ctx);
  syncRoutes(app, ctx);
  reportRoutes(app, ctx);

  const staticDir = ctx.config.staticDir ? resolve(ctx.config.staticDir) : undefined;
  if (staticDir && existsSync(resolve(staticDir, 'index.html'))) {
    const { default: compress } = await import('@fastify/compress');
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
    await app.register(fastifyStatic, {
      root: staticDir,
      wildcard: false,
      cacheControl: false,
      // Addresses of the app (`/` included) get the page from appShell below.
      index: false,
      // The build writes brotli and gzip copies of its text files (build/precompress.ts): sent as
      // they are, smaller than compressing each request, and no CPU spent on it.
      preCompressed: true,
      setHeaders(res, path) {
        // Hashed assets never change; everything else (index.html, sw.js, manifest) is revalidated.
        res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        // The same address answers brotli, gzip or plain text, as the browser asks.
        res.setHeader('vary', 'accept-encoding');
      },
    });
  }

  let shell: AppShell | undefined;
  const encodePage = pageEncoder();
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.startsWith('/api/')) return sendError(reply, 404, 'NOT_FOUND', 'no such route');
    if (staticDir && (req.method === 'GET' || req.method === 'HEAD') && !/\.[a-z0-9]+$/i.test(path)) {
      // The app's routes (deep links) all load the same page, with the screen's code named in it.
      shell ??= loadAppShell(staticDir);
      const encoding = pickEncoding(req.headers['accept-encoding']);
      reply.header('cache-control', 'no-cache').header('vary', 'accept-encoding').type('text/html; charset=utf-8');
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply.send(encodePage(shell.page(path), encoding));
    }
    return sendError(reply, 404, 'NOT_FOUND', 'not found');
  });

  return app;
}
