/**
 * The page the server sends for the app's addresses. It is the built index.html plus, for the
 * screens people open first (the citizen's home, the guides, joining a team, the household list),
 * `<link rel="modulepreload">` for that screen's own code: the browser fetches it together with
 * the app instead of one round trip later, which on 3G is the difference people notice.
 *
 * Only the first visit over the network gains: once installed, the service worker answers every
 * address with its cached index.html and the code from its cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compressOnceSync, type Encoding } from './compression';

interface ManifestChunk {
  file: string;
  imports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

/** Entry screens: address → the source files the router loads for it (src/modules/router.ts). */
export const ENTRY_SCREENS: { path: RegExp; sources: (match: RegExpMatchArray) => string[] }[] = [
  // `/` opens on the citizen's guides until the phone is used for team work; a team member's
  // phone has the app installed, so its service worker answers and this page is not sent.
  { path: /^\/$/, sources: () => ['src/features/home/HomePage.vue', 'src/features/guides/CitizenHome.vue'] },
  { path: /^\/households\/?$/, sources: () => ['src/features/households/HouseholdListPage.vue'] },
  { path: /^\/guides\/?$/, sources: () => ['src/features/guides/GuideListPage.vue'] },
  {
    path: /^\/guides\/([a-z0-9-]+)\/?$/,
    sources: (m) => ['src/features/guides/GuidePage.vue', `src/features/guides/content/${m[1]}.json`],
  },
  { path: /^\/join\/?$/, sources: () => ['src/features/team/JoinPage.vue'] },
];

export interface AppShell {
  /** The HTML for a navigation to `path` (without the query). */
  page(path: string): string;
}

export type PageEncoding = Encoding | 'identity';

/**
 * The best encoding an `Accept-Encoding` header allows: brotli, then gzip, else none. A coding
 * the client lists with `q=0` is refused; `*` stands for any coding not named.
 */
export function pickEncoding(accept: string | undefined): PageEncoding {
  const q = new Map<string, number>();
  for (const part of (accept ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const allowed = (coding: string) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
  if (allowed('br')) return 'br';
  if (allowed('gzip')) return 'gzip';
  return 'identity';
}

/**
 * Compresses a page once per encoding (the not-found handler that sends the pages does not pass
 * through @fastify/compress, and a phone on 3G waits for this page before anything else).
 */
export function pageEncoder() {
  const cache = new Map<string, Buffer>();
  return (html: string, encoding: PageEncoding): string | Buffer => {
    if (encoding === 'identity') return html;
    const key = `${encoding}\n${html}`;
    let body = cache.get(key);
    if (!body) {
      body = compressOnceSync(html, encoding);
      cache.set(key, body);
    }
    return body;
  };
}

/** Reads `index.html` and Vite's `.vite/manifest.json` from the build once, at start-up. */
export function loadAppShell(staticDir: string): AppShell {
  const html = readFileSync(resolve(staticDir, 'index.html'), 'utf8');
  const manifestFile = resolve(staticDir, '.vite/manifest.json');
  if (!existsSync(manifestFile)) return { page: () => html };
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  // What index.html loads already needs no second mention.
  const loaded = closure(manifest, ['index.html']);
  const cache = new Map<string, string>();

  return {
    page(path) {
      const screen = ENTRY_SCREENS.map((s) => ({ s, m: path.match(s.path) })).find((x) => x.m);
      if (!screen) return html;
      const sources = screen.s.sources(screen.m!);
      const key = sources.join('|');
      let out = cache.get(key);
      if (out === undefined) {
        const files = [...closure(manifest, sources)].filter((f) => !loaded.has(f));
        const links = files.map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`).join('');
        out = links ? html.replace('</head>', `${links}</head>`) : html;
        cache.set(key, out);
      }
      return out;
    },
  };
}

/** The files of these manifest keys and of everything they import statically. */
function closure(manifest: Manifest, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) return;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return files;
}
