/**
 * A tiny static server for browser tests and benchmarks: serves a production build with the
 * SPA fallback, on 127.0.0.1 and a free port. Extra mounts serve other folders under a prefix
 * (the benchmark's seeding page). Responses can be cut off to simulate "network off" at the
 * server too, but browser tests normally use the browser's own offline mode.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  url: string;
  port: number;
  server: Server;
  /** Swap the folder served at `/` (a second build of the app, for update tests). */
  setRoot(dir: string): void;
  close(): Promise<void>;
}

export async function startStaticServer(root: string, mounts: Record<string, string> = {}): Promise<StaticServer> {
  let base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let dir = base;
      let path = decodeURIComponent(url.pathname);
      for (const [prefix, mountDir] of Object.entries(mounts)) {
        if (path.startsWith(prefix)) {
          dir = resolve(mountDir);
          path = path.slice(prefix.length - 1);
          break;
        }
      }
      let file = normalize(join(dir, path));
      if (!file.startsWith(dir)) {
        res.writeHead(403).end();
        return;
      }
      let info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => undefined);
      }
      if (!info) {
        if (path.startsWith('/api/') || extname(path)) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        file = join(dir, 'index.html');
      }
      let body = await readFile(file);
      const headers: Record<string, string> = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      };
      if (/gzip/.test(String(req.headers['accept-encoding'])) && /text|json|javascript|svg/.test(headers['content-type']!)) {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
      }
      res.writeHead(200, headers).end(body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    setRoot(dir: string) {
      base = resolve(dir);
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
