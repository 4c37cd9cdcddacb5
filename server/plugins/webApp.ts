/**
 * The built app: its files as they are (with the build's brotli and gzip copies), and for every
 * address of the app (deep links, `/` included) the page from appShell. Without a build (API-only
 * tests) an unknown address is a JSON 404.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAppShell, pageEncoder, pickEncoding, type AppShell } from '../services/appShell';
import { sendError } from '../errors';

const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

export default async function webApp(app: FastifyInstance, options: { staticDir?: string }): Promise<void> {
  const dir = options.staticDir ? resolve(options.staticDir) : undefined;
  const root = dir && existsSync(resolve(dir, 'index.html')) ? dir : undefined;

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CSP);
    return payload;
  });

  if (root) {
    const { default: compress } = await import('@fastify/compress');
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
    await app.register(fastifyStatic, {
      root,
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
    if (root && (req.method === 'GET' || req.method === 'HEAD') && !/\.[a-z0-9]+$/i.test(path)) {
      // The app's routes (deep links) all load the same page, with the screen's code named in it.
      shell ??= loadAppShell(root);
      const encoding = pickEncoding(req.headers['accept-encoding']);
      reply.header('cache-control', 'no-cache').header('vary', 'accept-encoding').type('text/html; charset=utf-8');
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply.send(encodePage(shell.page(path), encoding));
    }
    return sendError(reply, 404, 'NOT_FOUND', 'not found');
  });
}
