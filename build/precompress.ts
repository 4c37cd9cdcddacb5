import type { Plugin } from 'vite';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { compressOnce } from '../server/services/compression';

/** Text files worth compressing; images (png) are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|json|svg|webmanifest|txt)$/;
/** Below this, the headers outweigh what compression saves. */
const MIN_BYTES = 1024;

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) next to every text file
 * of the build, once, at build time. The server sends them as they are (@fastify/static's
 * `preCompressed`): the smallest files without compressing on each request. Brotli at quality
 * 11 is about 11 % smaller than gzip on our chunks; the quality a server can afford per request
 * (4) is larger than gzip. The first visit on 3G downloads the whole app, so this is what it waits for.
 *
 * The service worker precaches by extension (js, css, html…), so these copies are never precached.
 */
export function precompressPlugin(): Plugin {
  let outDir = 'dist';
  return {
    name: 'cds:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      // After vite-plugin-pwa has written sw.js and the workbox runtime.
      order: 'post',
      sequential: true,
      async handler() {
        await precompressDir(outDir);
      },
    },
  };
}

/** Compresses every compressible file under `dir` (the `.br` / `.gz` copies are rewritten). */
export async function precompressDir(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    // Vite's manifest (.vite/) is read by the server, never sent.
    if (file.includes(`${sep}.vite${sep}`)) continue;
    if ((await stat(file)).size < MIN_BYTES) continue;
    const data = await readFile(file);
    const [br, gzipped] = await Promise.all([compressOnce(data, 'br'), compressOnce(data, 'gzip')]);
    await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gzipped)]);
  }
}
