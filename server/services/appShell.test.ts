// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ENTRY_SCREENS, loadAppShell, pickEncoding } from './appShell';
import { startTestServer, type TestServer } from '../testing';
import { SETUP_TIMEOUT } from '../test-fixtures';

const HTML = '<!doctype html><html><head><title>x</title><script type="module" src="/assets/index-A.js"></script></head><body></body></html>';
const MANIFEST = {
  'index.html': { file: 'assets/index-A.js', imports: ['_runtime-B.js'] },
  '_runtime-B.js': { file: 'assets/runtime-B.js' },
  '_catalog-C.js': { file: 'assets/catalog-C.js', imports: ['_runtime-B.js'] },
  'src/features/guides/GuidePage.vue': { file: 'assets/GuidePage-D.js', imports: ['_runtime-B.js', 'index.html', '_catalog-C.js'] },
  'src/features/guides/content/vneid-level-1.json': { file: 'assets/vneid-level-1-E.js' },
  'src/features/home/HomePage.vue': { file: 'assets/HomePage-F.js', imports: ['index.html'] },
  'src/features/guides/CitizenHome.vue': { file: 'assets/CitizenHome-H.js', imports: ['index.html'] },
  'src/features/team/JoinPage.vue': { file: 'assets/JoinPage-G.js' },
};

const preloads = (html: string) => [...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((m) => m[1]);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cds-shell-'));
  mkdirSync(join(dir, '.vite'));
  writeFileSync(join(dir, 'index.html'), HTML);
  writeFileSync(join(dir, '.vite/manifest.json'), JSON.stringify(MANIFEST));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the page sent for an entry screen', () => {
  it("names the screen's own code, and what it imports, but nothing index.html loads already", () => {
    const shell = loadAppShell(dir);
    expect(preloads(shell.page('/guides/vneid-level-1'))).toEqual(['/assets/GuidePage-D.js', '/assets/catalog-C.js', '/assets/vneid-level-1-E.js']);
    expect(preloads(shell.page('/'))).toEqual(['/assets/HomePage-F.js', '/assets/CitizenHome-H.js']);
    expect(preloads(shell.page('/join'))).toEqual(['/assets/JoinPage-G.js']);
    // The links go inside <head>, before it closes.
    expect(shell.page('/join')).toMatch(/<link rel="modulepreload" crossorigin href="\/assets\/JoinPage-G.js"><\/head>/);
  });

  it('is index.html unchanged for other screens, unknown guides, or a build without a manifest', () => {
    const shell = loadAppShell(dir);
    expect(shell.page('/settings')).toBe(HTML);
    expect(shell.page('/households/123')).toBe(HTML);
    expect(preloads(shell.page('/guides/no-such-guide'))).toEqual(['/assets/GuidePage-D.js', '/assets/catalog-C.js']);
    const bare = mkdtempSync(join(tmpdir(), 'cds-shell-bare-'));
    writeFileSync(join(bare, 'index.html'), HTML);
    expect(loadAppShell(bare).page('/join')).toBe(HTML);
    rmSync(bare, { recursive: true, force: true });
  });

  it('lists source files that exist (a renamed screen breaks this test, not the first load)', () => {
    const guide = ENTRY_SCREENS.find((s) => s.path.test('/guides/vneid-level-1'))!;
    const sources = ENTRY_SCREENS.flatMap((s) => (s === guide ? s.sources('/guides/vneid-level-1'.match(s.path)!) : s.sources([] as unknown as RegExpMatchArray)));
    for (const file of sources) expect(existsSync(file), file).toBe(true);
  });
});

describe('the encoding of the page', () => {
  it('is brotli, then gzip, then none, as the browser accepts them', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0')).toBe('identity');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*;q=0, gzip')).toBe('gzip');
    expect(pickEncoding('identity')).toBe('identity');
    expect(pickEncoding('')).toBe('identity');
    expect(pickEncoding(undefined)).toBe('identity');
  });
});

describe('the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ staticDir: dir });
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('answers `/` and deep links with the page, revalidated, and the API never with it', async () => {
    for (const url of ['/', '/join?code=ABC', '/guides/vneid-level-1']) {
      const res = await server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(preloads(res.body).length, url).toBeGreaterThan(0);
    }
    expect((await server.inject({ method: 'GET', url: '/index.html' })).body).toBe(HTML);
    // Link checkers and proxies ask with HEAD.
    for (const url of ['/', '/join']) {
      const head = await server.inject({ method: 'HEAD', url });
      expect(head.statusCode, url).toBe(200);
      expect(head.headers['content-type']).toMatch(/^text\/html/);
    }
    const api = await server.inject({ method: 'GET', url: '/api/nope' });
    expect(api.statusCode).toBeGreaterThanOrEqual(400);
    expect(api.headers['content-type']).toMatch(/^application\/json/);
  });

  it('sends the page compressed when the browser accepts it, and the same page once decoded', async () => {
    const plain = await server.inject({ method: 'GET', url: '/join' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    const decode = { br: brotliDecompressSync, gzip: gunzipSync };
    for (const [accept, coding] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip']] as const) {
      const res = await server.inject({ method: 'GET', url: '/join', headers: { 'accept-encoding': accept } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(coding);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(decode[coding](res.rawPayload).toString('utf8'), accept).toBe(plain.body);
    }
  });
});
