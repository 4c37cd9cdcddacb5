// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompressDir } from '../build/precompress';
import { startTestServer, type TestServer } from './testing';
import { SETUP_TIMEOUT } from './test-fixtures';

// A chunk-like file: compressible, well over the 1 KB threshold.
const JS = Array.from({ length: 400 }, (_, i) => `export const value${i} = "Cộng Đồng Số ${i}";`).join('\n');

let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cds-precompressed-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, '.vite'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><title>x</title></head><body>${'<p>Xin chào</p>'.repeat(100)}</body></html>`);
  writeFileSync(join(dir, 'assets/app-A1.js'), JS);
  writeFileSync(join(dir, 'assets/tiny-B2.js'), 'export const x = 1;');
  writeFileSync(join(dir, 'assets/icon-C3.png'), Buffer.alloc(4096, 7));
  writeFileSync(join(dir, '.vite/manifest.json'), JSON.stringify({ big: 'x'.repeat(4096) }));
  await precompressDir(dir);
  server = await startTestServer({ staticDir: dir });
}, SETUP_TIMEOUT);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
}, SETUP_TIMEOUT);

describe('the build writes compressed copies', () => {
  it('of text files over 1 KB, brotli and gzip, that decode to the file', () => {
    const file = join(dir, 'assets/app-A1.js');
    expect(brotliDecompressSync(readFileSync(`${file}.br`)).toString('utf8')).toBe(JS);
    expect(gunzipSync(readFileSync(`${file}.gz`)).toString('utf8')).toBe(JS);
    expect(readFileSync(`${file}.br`).length).toBeLessThan(readFileSync(`${file}.gz`).length);
    expect(existsSync(join(dir, 'index.html.br'))).toBe(true);
  });

  it('but not of small files, images, or the manifest only the server reads', () => {
    for (const f of ['assets/tiny-B2.js', 'assets/icon-C3.png', '.vite/manifest.json']) {
      expect(existsSync(join(dir, `${f}.br`)), f).toBe(false);
      expect(existsSync(join(dir, `${f}.gz`)), f).toBe(false);
    }
  });
});

describe('the server sends them', () => {
  it('brotli or gzip as the browser asks, the plain file otherwise, always with Vary', async () => {
    const url = '/assets/app-A1.js';
    const br = await server.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.rawPayload.equals(readFileSync(join(dir, `${url}.br`)))).toBe(true);

    const gz = await server.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(JS);

    const plain = await server.inject({ method: 'GET', url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(JS);

    for (const res of [br, gz, plain]) {
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });
});
