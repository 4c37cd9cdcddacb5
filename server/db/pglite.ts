import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './adapter';

/** Embedded PostgreSQL (WASM). One session: every transaction waits for the previous one. */
export async function openPglite(dataDir: string): Promise<Database> {
  const pg = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
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
