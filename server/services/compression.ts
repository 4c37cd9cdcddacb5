/**
 * The strongest brotli and gzip settings, for what is compressed once and sent many times: the
 * build's text files (build/precompress.ts) and the app page (appShell.ts). Per-request
 * compression (@fastify/compress) uses faster, weaker settings.
 */
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync, type BrotliOptions, type ZlibOptions } from 'node:zlib';
import { promisify } from 'node:util';

export type Encoding = 'br' | 'gzip';

const brotliOptions = (size: number): BrotliOptions => ({ params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: size } });
const gzipOptions: ZlibOptions = { level: 9 };

export function compressOnceSync(data: string | Buffer, encoding: Encoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(data, brotliOptions(data.length)) : gzipSync(data, gzipOptions);
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export function compressOnce(data: Buffer, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br' ? brotliAsync(data, brotliOptions(data.length)) : gzipAsync(data, gzipOptions);
}
