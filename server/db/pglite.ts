import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Queryable } from './adapter';

/**
 * The data folder holds personal data: only the server's user may enter it (0700) or read its
 * files (0600). PGlite writes its files world-readable, so they are tightened when the database
 * opens and closes; the entry points also set a umask of 077, so files made in between are
 * private from the start.
 */
export function restrictDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        chmodSync(full, 0o700);
        walk(full);
      } else if (entry.isFile()) {
        chmodSync(full, 0o600);
      }
    }
  };
  walk(dir);
}

/**
 * Embedded PostgreSQL (WASM). One session: every transaction waits for the previous one.
 * `loadDataDir` starts from a dump (`dumpDataDir`) instead of a new cluster: tests start from a
 * migrated one, which skips initdb, the slow part of a start.
 */
export async function openPglite(dataDir: string, options: Pick<PGliteOptions, 'loadDataDir'> = {}): Promise<Database> {
  const onDisk = dataDir !== 'memory://';
  if (onDisk) restrictDataDir(dataDir);
  const pg = await PGlite.create(onDisk ? dataDir : undefined, options);
  if (onDisk) restrictDataDir(dataDir);
  return pgliteDatabase(pg, onDisk ? dataDir : undefined);
}

/** The adapter over an open PGlite; `dataDir`, when on disk, is tightened again on close. */
export function pgliteDatabase(pg: PGlite, dataDir?: string): Database {
  let chain: Promise<unknown> = Promise.resolve();
  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => (await pg.query<T>(sql, params)).rows;
  return {
    kind: 'pglite',
    query: (sql, params) => serialize(() => query(sql, params)),
    exec: (sql) => serialize(async () => void (await pg.exec(sql))),
    transaction: (fn) =>
      serialize(() =>
        pg.transaction(async (tx) => {
          const q: Queryable = {
            query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
            exec: async (sql: string) => void (await tx.exec(sql)),
          };
          return fn(q);
        }),
      ),
    close: async () => {
      await chain;
      await pg.close();
      if (dataDir) restrictDataDir(dataDir);
    },
  };
}
