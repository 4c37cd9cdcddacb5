import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { Database, Queryable } from './adapter';

/**
 * Embedded PostgreSQL (WASM). One session: every transaction waits for the previous one.
 * `loadDataDir` starts from a dump (`dumpDataDir`) instead of a new cluster: tests start from a
 * migrated one, which skips initdb, the slow part of a start.
 */
export async function openPglite(dataDir: string, options: Pick<PGliteOptions, 'loadDataDir'> = {}): Promise<Database> {
  const pg = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir, options);
  return pgliteDatabase(pg);
}

/** The adapter over an open PGlite. */
export function pgliteDatabase(pg: PGlite): Database {
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
    },
  };
}
